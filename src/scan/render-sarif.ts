/** SARIF 2.1.0: one run, one rule per finding rule id, results with file locations where they exist. */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LEVEL_RANK, type ScanFinding, type ScanLevel, type ScanReport } from './report-types.js';

type SarifLevel = 'error' | 'warning' | 'note';

const SARIF_LEVEL: Record<ScanLevel, SarifLevel> = { serious: 'error', suspicious: 'warning', remind: 'note' };

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { part: string };
}

function uriOf(path: string): string {
  return isAbsolute(path) ? pathToFileURL(path).href : encodeURI(path);
}

function locations(f: ScanFinding): Record<string, unknown> {
  const l = f.location;
  if (l?.path !== undefined) {
    const region = l.line !== undefined ? { region: { startLine: l.line } } : {};
    return { locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(l.path) }, ...region } }] };
  }
  if (l?.pid !== undefined) return { locations: [{ logicalLocations: [{ name: `pid ${l.pid}`, kind: 'process' }] }] };
  return {};
}

export function renderSarif(report: ScanReport): string {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const ruleTop: ScanLevel[] = [];
  const results: Record<string, unknown>[] = [];
  for (const part of report.parts) {
    for (const f of part.findings) {
      let idx = ruleIndex.get(f.rule);
      if (idx === undefined) {
        idx = rules.length;
        ruleIndex.set(f.rule, idx);
        ruleTop.push(f.level);
        rules.push({
          id: f.rule,
          name: f.rule,
          shortDescription: { text: f.title },
          defaultConfiguration: { level: SARIF_LEVEL[f.level] },
          properties: { part: part.name },
        });
      } else if (LEVEL_RANK[f.level] > LEVEL_RANK[ruleTop[idx] ?? 'remind']) {
        // A rule's default level is the most severe level it was reported at.
        ruleTop[idx] = f.level;
        (rules[idx] as SarifRule).defaultConfiguration.level = SARIF_LEVEL[f.level];
      }
      results.push({
        ruleId: f.rule,
        ruleIndex: idx,
        level: SARIF_LEVEL[f.level],
        message: { text: f.detail ? `${f.title}\n${f.detail}` : f.title },
        ...locations(f),
        partialFingerprints: { 'vigilFindingId/v1': f.id },
        properties: {
          part: part.name,
          vigilLevel: f.level,
          ...(f.location?.pid !== undefined ? { pid: f.location.pid } : {}),
          ...(f.fix ? { fix: f.fix } : {}),
        },
      });
    }
  }
  const failed = report.parts.filter((p) => p.status === 'error');
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Vigil', version: report.tool.version, rules } },
        invocations: [
          {
            executionSuccessful: failed.length === 0,
            startTimeUtc: report.startedAt,
            endTimeUtc: report.finishedAt,
            toolExecutionNotifications: failed.map((p) => ({ level: 'error', message: { text: `${p.name}: ${p.reason ?? 'failed'}` } })),
          },
        ],
        results,
        properties: { host: report.host, parts: report.parts.map((p) => ({ name: p.name, status: p.status, ...(p.reason ? { reason: p.reason } : {}), stats: p.stats })) },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
