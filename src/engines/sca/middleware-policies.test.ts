/**
 * The shipped middleware policies (MongoDB, Tomcat, SVN, Apache) run by the SCA engine against
 * fixture roots written into temp dirs: an insecure default-style configuration fails each check
 * and a hardened one passes it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostProbe } from '../../host/probe/host-probe.js';
import { evaluatePolicy } from './evaluate.js';
import { loadPolicy } from './policy.js';

const load = (name: string) => loadPolicy(readFileSync(join(import.meta.dirname, '../../../rules/baseline', name), 'utf8'));
let dir: string;

function tree(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [p, text] of Object.entries(files)) {
    const full = join(root, p);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return root;
}

async function verdicts(policyFile: string, root: string): Promise<Record<number, string>> {
  const res = await evaluatePolicy(load(policyFile), createHostProbe({ root }), { commandTimeoutMs: 15_000 });
  expect(res.requirementsMet).toBe(true);
  return Object.fromEntries(res.checks.map((c) => [c.id, c.result]));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-mw-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const all = (ids: number[], v: string) => Object.fromEntries(ids.map((id) => [id, v]));

describe('shipped middleware policies on fixture roots', () => {
  it('MongoDB: authorization, bind address, server-side JavaScript', async () => {
    const bad = tree('mongo-bad', { 'etc/mongod.conf': 'net:\n  port: 27017\n  bindIp: 0.0.0.0\nsecurity:\n  #authorization: enabled\n' });
    const good = tree('mongo-good', { 'etc/mongod.conf': 'net:\n  port: 27017\n  bindIp: 127.0.0.1\nsecurity:\n  authorization: enabled\n  javascriptEnabled: false\n' });
    expect(await verdicts('vigil-mongodb.yml', bad)).toEqual(all([980001, 980002, 980003], 'failed'));
    expect(await verdicts('vigil-mongodb.yml', good)).toEqual(all([980001, 980002, 980003], 'passed'));
    const allIfaces = tree('mongo-all', { 'etc/mongod.conf': 'net:\n  bindIpAll: true\nsecurity:\n  authorization: "enabled"\n' });
    expect((await verdicts('vigil-mongodb.yml', allIfaces))[980002]).toBe('failed');
  });

  it('Tomcat: default manager users, shutdown command, listings', async () => {
    const bad = tree('tomcat-bad', {
      'etc/tomcat10/server.xml': '<Server port="8005" shutdown="SHUTDOWN">\n</Server>\n',
      'etc/tomcat10/tomcat-users.xml': '<tomcat-users>\n  <user username="tomcat" password="tomcat" roles="manager-gui,admin-gui"/>\n</tomcat-users>\n',
      'etc/tomcat10/web.xml': '<init-param>\n<param-name>listings</param-name><param-value>true</param-value>\n</init-param>\n',
    });
    const good = tree('tomcat-good', {
      'etc/tomcat9/server.xml': '<Server port="-1" shutdown="f3b1c0d9e8a7">\n</Server>\n',
      'etc/tomcat9/tomcat-users.xml': '<tomcat-users>\n  <user username="deploy-ci" password="x" roles="manager-script"/>\n  <user username="tomcat" password="y" roles="viewer"/>\n</tomcat-users>\n',
      'etc/tomcat9/web.xml': '<param-name>listings</param-name><param-value>false</param-value>\n',
    });
    expect(await verdicts('vigil-tomcat.yml', bad)).toEqual(all([981001, 981002, 981003], 'failed'));
    expect(await verdicts('vigil-tomcat.yml', good)).toEqual(all([981001, 981002, 981003], 'passed'));
    const rolesFirst = tree('tomcat-roles-first', { 'etc/tomcat9/server.xml': '<Server port="-1">\n', 'etc/tomcat9/tomcat-users.xml': '<user roles="manager-gui" username="admin" password="admin"/>\n' });
    expect((await verdicts('vigil-tomcat.yml', rolesFirst))[981001]).toBe('failed');
  });

  it('SVN: anonymous read or write', async () => {
    const bad = tree('svn-bad', { 'srv/svn/repo1/conf/svnserve.conf': '[general]\nanon-access = write\nauth-access = write\n' });
    const read = tree('svn-read', { 'srv/repos/repo2/conf/svnserve.conf': '[general]\nanon-access = read\nauth-access = write\n' });
    const good = tree('svn-good', { 'srv/svn/repo1/conf/svnserve.conf': '[general]\n# anon-access = read\nanon-access = none\nauth-access = write\npassword-db = passwd\n' });
    expect(await verdicts('vigil-svn.yml', bad)).toEqual(all([982001, 982002], 'failed'));
    expect(await verdicts('vigil-svn.yml', read)).toEqual({ 982001: 'failed', 982002: 'passed' });
    expect(await verdicts('vigil-svn.yml', good)).toEqual(all([982001, 982002], 'passed'));
    // No anon-access line at all: svnserve's default is read.
    const implicit = tree('svn-implicit', { 'srv/svn/r/conf/svnserve.conf': '[general]\n# anon-access = read\nauth-access = write\n' });
    expect((await verdicts('vigil-svn.yml', implicit))[982001]).toBe('failed');
  });

  it('Apache: tokens/signature, Indexes, TRACE', async () => {
    const bad = tree('apache-bad', {
      'etc/apache2/apache2.conf': '<Directory /var/www/>\n\tOptions Indexes FollowSymLinks\n</Directory>\n',
      'etc/apache2/conf-available/security.conf': 'ServerTokens OS\nServerSignature On\nTraceEnable On\n',
    });
    const good = tree('apache-good', {
      'etc/apache2/apache2.conf': '<Directory /var/www/>\n\tOptions -Indexes +FollowSymLinks\n</Directory>\n# Options Indexes\n',
      'etc/apache2/conf-available/security.conf': 'ServerTokens Prod\nServerSignature Off\nTraceEnable Off\n',
    });
    expect(await verdicts('vigil-apache.yml', bad)).toEqual(all([951001, 951002, 951003], 'failed'));
    expect(await verdicts('vigil-apache.yml', good)).toEqual(all([951001, 951002, 951003], 'passed'));
  });
});
