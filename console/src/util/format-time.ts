/** Local date-time text for an ISO 8601 timestamp; the input itself when it is not a date. */
export function formatTime(iso: string | undefined, language: string): string {
  if (iso === undefined || iso === '') return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(language, { hour12: false });
}
