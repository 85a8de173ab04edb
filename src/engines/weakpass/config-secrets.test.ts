import { describe, expect, it } from 'vitest';
import { buildDictionary } from './dictionary.js';
import {
  configSecretFindings,
  pamUserdbPaths,
  parseRsyncSecrets,
  parseSvnPasswd,
  parseTomcatUsers,
  parseVsftpdVirtualUsers,
  rsyncSecretsFiles,
  secretFileModeFindings,
} from './config-secrets.js';

const dict = buildDictionary({ commonList: '123456\nadmin\npassword\nadmin@123\n', phraseList: '5201314\n', years: [2025] });

describe('tomcat-users.xml', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">
<!--
  <user username="admin" password="<must-be-changed>" roles="manager-gui"/>
-->
  <role rolename="manager-gui"/>
  <user username="tomcat" password="tomcat" roles="manager-gui,admin-gui"/>
  <user name="legacy" password='p&amp;ss' roles="tomcat"/>
  <user username="deploy" password="Kx9#mQ2$vL7!wR4z" roles="manager-script"/>
  <user username="digest" password="4c1e0f58b3ad38e8$10000$aa0b4fc3b6e5de80a0a0c1e8b5a3e2d1c0b9a8f7e6d5c4b3a2918071605f4e3d" roles="manager-gui"/>
</tomcat-users>`;

  it('reads users outside comments, both attribute spellings and XML entities', () => {
    expect(parseTomcatUsers(xml).map((u) => [u.user, u.password])).toEqual([
      ['tomcat', 'tomcat'],
      ['legacy', 'p&ss'],
      ['deploy', 'Kx9#mQ2$vL7!wR4z'],
      ['digest', '4c1e0f58b3ad38e8$10000$aa0b4fc3b6e5de80a0a0c1e8b5a3e2d1c0b9a8f7e6d5c4b3a2918071605f4e3d'],
    ]);
  });

  it('tomcat/tomcat with manager-gui is high; a weak non-manager user is medium; strong and digested ones pass', () => {
    const f = configSecretFindings('tomcat', '/x/tomcat-users.xml', parseTomcatUsers(xml), dict);
    expect(f.map((x) => [x.account, x.level])).toEqual([
      ['tomcat', 'high'],
      ['legacy', 'medium'],
    ]);
    expect(f[0]?.reason).toContain('manager-gui, admin-gui');
    expect(f[0]?.brokenRules).toEqual(expect.arrayContaining(['min_length', 'not_username']));
    expect(f[0]?.fix).toContain('/x/tomcat-users.xml');
    expect(JSON.stringify(f)).not.toContain('p&ss');
  });
});

describe('rsync', () => {
  it('parses user:password lines (password may contain colons) and the secrets file of rsyncd.conf', () => {
    expect(parseRsyncSecrets('# c\nbackup:123456\n\nsync:Zq8!xV3#pL:0w\r\n')).toEqual([
      { user: 'backup', password: '123456' },
      { user: 'sync', password: 'Zq8!xV3#pL:0w' },
    ]);
    expect(rsyncSecretsFiles('uid = nobody\n[data]\n  path = /srv\n  auth users = backup\n  secrets file = /etc/rsyncd.secrets\n')).toEqual(['/etc/rsyncd.secrets']);
  });
  it('mode 644 is an exposed secrets file, 600 is fine, 640 is medium', () => {
    expect(secretFileModeFindings('rsync', '/e/s', 0o100644)[0]).toMatchObject({ kind: 'exposed_secret_file', level: 'high' });
    expect(secretFileModeFindings('rsync', '/e/s', 0o100640)[0]?.level).toBe('medium');
    expect(secretFileModeFindings('rsync', '/e/s', 0o100600)).toEqual([]);
  });
});

describe('svn passwd and vsftpd virtual users', () => {
  it('reads only the [users] section', () => {
    expect(parseSvnPasswd('[groups]\ndev = alice\n[users]\n# harry = harryssecret\nalice = 5201314\nbob=Str0ng!Pass#42\n')).toEqual([
      { user: 'alice', password: '5201314' },
      { user: 'bob', password: 'Str0ng!Pass#42' },
    ]);
  });
  it('reads alternating user/password lines and the pam_userdb db path', () => {
    expect(parseVsftpdVirtualUsers('ftp1\nadmin\nftp2\nT7#kd93!xQw\n')).toEqual([
      { user: 'ftp1', password: 'admin' },
      { user: 'ftp2', password: 'T7#kd93!xQw' },
    ]);
    expect(pamUserdbPaths('auth required pam_userdb.so db=/etc/vsftpd/virtual_users\naccount required pam_userdb.so db=/etc/vsftpd/virtual_users\n')).toEqual(['/etc/vsftpd/virtual_users']);
  });
  it('weak ones are findings naming the account; empty passwords are their own kind', () => {
    const f = configSecretFindings('svn', '/r/conf/passwd', [{ user: 'alice', password: '5201314' }, { user: 'eve', password: '' }, { user: 'bob', password: 'Str0ng!Pass#42' }], dict);
    expect(f.map((x) => [x.account, x.kind])).toEqual([
      ['alice', 'weak_password'],
      ['eve', 'empty_password'],
    ]);
    expect(f[0]?.fix).toContain('anon-access = none');
  });
});
