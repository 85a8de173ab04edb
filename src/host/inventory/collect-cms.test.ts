import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCms, parseDrupalVersion, parseJoomlaVersion, parseWordPressVersion } from './collect-cms.js';
import { HostFs } from './fs-read.js';

const WP_VERSION_PHP = `<?php
/**
 * WordPress Version
 *
 * Contains version information for the current WordPress release.
 */
/**
 * The WordPress version string.
 *
 * @global string $wp_version
 */
$wp_version = '6.4.1';

/** @global int $wp_db_version */
$wp_db_version = 56657;
$tinymce_version = '49110-20201110';
$required_php_version = '7.0.0';
`;

const DRUPAL_10 = `<?php
namespace Drupal;
class Drupal {
  /**
   * The current system version.
   */
  const VERSION = '10.1.6';
  const CORE_COMPATIBILITY = '8.x';
}
`;
const DRUPAL_7 = `<?php
/**
 * The current system version.
 */
define('VERSION', '7.98');
define('DRUPAL_CORE_COMPATIBILITY', '7.x');
`;
const JOOMLA_4 = `<?php
namespace Joomla\\CMS;
final class Version
{
    public const PRODUCT = 'Joomla!';
    public const MAJOR_VERSION = 4;
    public const MINOR_VERSION = 4;
    public const PATCH_VERSION = 1;
    public const EXTRA_VERSION = '';
    public const RELEASE = '4.4';
    public const DEV_LEVEL = '1';
}
`;
const JOOMLA_3 = `<?php
final class JVersion
{
	const PRODUCT = 'Joomla!';
	const RELEASE = '3.10';
	const DEV_LEVEL = '12';
}
`;

describe('CMS version parsers', () => {
  it('read the version constants', () => {
    expect(parseWordPressVersion(WP_VERSION_PHP)).toBe('6.4.1');
    expect(parseDrupalVersion(DRUPAL_10)).toBe('10.1.6');
    expect(parseDrupalVersion(DRUPAL_7)).toBe('7.98');
    expect(parseJoomlaVersion(JOOMLA_4)).toBe('4.4.1');
    expect(parseJoomlaVersion(JOOMLA_3)).toBe('3.10.12');
  });
  it('reject files without a plausible version', () => {
    expect(parseWordPressVersion('<?php $wp_version = "<?php system($_GET[1]); ?>";')).toBeUndefined();
    expect(parseWordPressVersion('<?php echo 1;')).toBeUndefined();
    expect(parseJoomlaVersion('<?php const MAJOR_VERSION = 4;')).toBeUndefined();
  });
});

describe('collectCms on a temp web tree', () => {
  let root: string;
  const put = (rel: string, text: string) => {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vigil-cms-'));
    put('var/www/html/blog/wp-includes/version.php', WP_VERSION_PHP);
    put('var/www/html/blog/index.php', '<?php require __DIR__ . "/wp-blog-header.php";');
    put('var/www/shop/core/lib/Drupal.php', DRUPAL_10);
    put('srv/legacy/includes/bootstrap.inc', DRUPAL_7);
    put('srv/portal/libraries/src/Version.php', JOOMLA_4);
    // Too deep below the root (depth 4): not searched.
    put('srv/a/b/c/d/wp-includes/version.php', WP_VERSION_PHP.replace('6.4.1', '5.0.0'));
    // A symlinked directory is not followed.
    mkdirSync(join(root, 'outside/wp-includes'), { recursive: true });
    writeFileSync(join(root, 'outside/wp-includes/version.php'), WP_VERSION_PHP.replace('6.4.1', '4.0'));
    symlinkSync(join(root, 'outside'), join(root, 'var/www/linked'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds each installation with its version and directory', async () => {
    const warnings: string[] = [];
    const items = await collectCms(new HostFs(root, warnings), ['/var/www', '/srv']);
    expect(items.map((i) => `${i.source} ${i.name} ${i.version} ${i.path ?? ''}`).sort()).toEqual([
      'cms drupal 10.1.6 /var/www/shop',
      'cms drupal 7.98 /srv/legacy',
      'cms joomla 4.4.1 /srv/portal',
      'cms wordpress 6.4.1 /var/www/html/blog',
    ]);
    expect(warnings).toEqual([]);
  });

  it('stops at the directory bound with a warning', async () => {
    const warnings: string[] = [];
    const items = await collectCms(new HostFs(root, warnings), ['/var/www'], { maxDepth: 3, maxDirs: 2 });
    expect(items).toEqual([]);
    expect(warnings.some((w) => w.includes('stopped after 2'))).toBe(true);
  });
});
