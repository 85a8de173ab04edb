/** Vocabulary of the PHP analyser: where attacker data comes from and where it must not go. */

/** Request data an attacker controls. `$_FILES` is left out: uploads are handled separately. */
export const PHP_SOURCE =
  /\$_(?:GET|POST|REQUEST|COOKIE)\b|\$_SERVER\s*\[\s*['"]?(?:HTTP_\w+|QUERY_STRING|REQUEST_URI|PATH_INFO|PHP_AUTH_\w+|argv)|\$HTTP_(?:GET|POST|COOKIE)_VARS\b|php:\/\/input|\b(?:getallheaders|apache_request_headers)\s*\(|\bgetenv\s*\(\s*['"]HTTP_|\$_SERVER\s*\[\s*['"]REMOTE_(?:ADDR|PORT)|\$_FILES\s*\[[^\]]{1,60}\]\s*\[\s*['"]name/i;

export const PHP_SUPERGLOBAL_CALL = /^_(?:GET|POST|REQUEST|COOKIE|SERVER)$/i;

/** Functions that run PHP code from a string. */
export const CODE_SINKS = new Set(['eval', 'assert', 'create_function']);

/** Functions that run an OS command. */
export const CMD_SINKS = new Set(['system', 'exec', 'shell_exec', 'passthru', 'popen', 'proc_open', 'pcntl_exec']);

/** Callback-taking functions and the index of their callback argument (-1: last). */
export const CALLBACK_SINKS: ReadonlyMap<string, number> = new Map([
  ['call_user_func', 0],
  ['call_user_func_array', 0],
  ['forward_static_call', 0],
  ['forward_static_call_array', 0],
  ['register_shutdown_function', 0],
  ['register_tick_function', 0],
  ['array_map', 0],
  ['ob_start', 0],
  ['set_error_handler', 0],
  ['set_exception_handler', 0],
  ['iterator_apply', 1],
  ['array_filter', 1],
  ['array_walk', 1],
  ['array_walk_recursive', 1],
  ['array_reduce', 1],
  ['usort', 1],
  ['uasort', 1],
  ['uksort', 1],
  ['preg_replace_callback', 1],
  ['array_diff_ukey', -1],
  ['array_diff_uassoc', -1],
  ['array_intersect_ukey', -1],
  ['array_intersect_uassoc', -1],
  ['array_udiff', -1],
  ['array_uintersect', -1],
]);

/** Function names whose appearance as a computed or callback string is a strong signal. */
export const DANGEROUS_NAMES = new Set([
  'eval', 'assert', 'system', 'exec', 'shell_exec', 'passthru', 'popen', 'proc_open', 'pcntl_exec',
  'create_function', 'call_user_func', 'call_user_func_array', 'base64_decode', 'gzinflate',
  'gzuncompress', 'str_rot13', 'preg_replace', 'file_put_contents', 'move_uploaded_file',
]);

/** Expressions that turn request data into something harmless (numbers, booleans). */
export const SANITISED_RHS =
  /^\s*(?:\(\s*(?:int|integer|bool|boolean|float|double)\s*\)|(?:intval|absint|floatval|boolval|isset|empty|is_\w+|count|in_array|array_key_exists|sanitize_key|wp_verify_nonce|check_admin_referer|strlen|ctype_\w+|preg_match)\s*\()/i;

/** Distinctive strings of well-known shell kits (matched case-insensitively on the raw file). */
export const SHELL_MARKERS: readonly string[] = [
  'c99shell', 'c99sh_', 'r57shell', 'r57 shell', 'b374k', 'filesman', 'wso shell', 'wso_version',
  'php shell', 'phpshell', 'web shell', 'webshell', 'cmdshell', 'safe_mode bypass', 'safe-mode bypass',
  'safe mode bypass', 'backdoor', 'php-reverse-shell', 'pentestmonkey', 'hacked by', 'sh3ll', 'shell by',
  'uname -a', 'cat /etc/passwd', '/etc/shadow', 'netstat -an', 'ps -aux', 'ps aux', 'bind port',
  'back connect', 'backconnect',
];

/** Calls that pass request data through unchanged enough that its value is still attacker-chosen. */
export const TRANSPARENT_FUNCS = new Set([
  'trim', 'rtrim', 'ltrim', 'chop', 'stripslashes', 'stripcslashes', 'base64_decode', 'gzinflate', 'gzuncompress',
  'gzdecode', 'str_rot13', 'strrev', 'urldecode', 'rawurldecode', 'hex2bin', 'explode', 'implode', 'join', 'substr',
  'str_replace', 'strtolower', 'strtoupper', 'isset', 'empty', 'array_values', 'json_decode', 'file_get_contents',
  'getallheaders', 'apache_request_headers', 'unserialize', 'pack', 'strval', 'current', 'reset', 'end',
  'array_pop', 'array_shift', 'getenv', 'html_entity_decode', 'htmlspecialchars_decode', 'convert_uudecode',
]);

/** Config files that config-harvesting tools read from neighbouring sites. */
export const CMS_CONFIG_NAMES = /wp-config\.php|configuration\.php|config\.inc\.php|conf_global\.php|settings\.php|db_connect\.php/gi;
