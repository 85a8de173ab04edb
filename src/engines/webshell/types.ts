/** Language of a scanned web file, sniffed from its content and extension. */
export type WebLang = 'php' | 'jsp' | 'asp' | 'perl' | 'html' | 'js' | 'unknown';

export type WebshellConfidence = 'high' | 'medium' | 'low';

/** Alert level in the Security Center vocabulary. */
export type AlertLevel = 'serious' | 'suspicious' | 'remind';

export interface WebContentInput {
  /** Path as the scanner saw it; used only for the extension and for reporting. */
  path: string;
  bytes: Uint8Array;
}

export interface Evidence {
  /** Byte offset in the scanned file (for hits inside a decoded layer: the offset of the outer expression). */
  offset: number;
  length: number;
  /** Printable, truncated excerpt; never longer than 160 characters. */
  excerpt: string;
}

export interface WebshellFinding {
  ruleId: string;
  lang: WebLang;
  confidence: WebshellConfidence;
  level: AlertLevel;
  /** One-line explanation of why the rule fired. */
  message: string;
  evidence: Evidence[];
  /** Decoders applied, outermost first, when the hit was found inside an encoded payload. */
  decodedLayers?: string[];
}

export interface WebshellScanOptions {
  /** Maximum nesting of decode-and-rescan (default 4). */
  maxDecodeDepth?: number;
  /** Maximum total bytes produced by decoding per file (default 4 MiB). */
  maxDecodedBytes?: number;
  /** Hosts whose appearance in a script src is a finding (lower-case, exact or parent domain). */
  maliciousHosts?: readonly string[];
  /** Drop findings below this confidence (default 'low': keep all). */
  minConfidence?: WebshellConfidence;
}

/** A hit before it is turned into a finding: offsets are into the text the analyser saw. */
export interface RawHit {
  ruleId: string;
  confidence: WebshellConfidence;
  message: string;
  offset: number;
  length: number;
  decodedLayers?: string[];
}

export const confidenceRank: Record<WebshellConfidence, number> = { low: 0, medium: 1, high: 2 };

export const levelFor: Record<WebshellConfidence, AlertLevel> = {
  high: 'serious',
  medium: 'suspicious',
  low: 'remind',
};
