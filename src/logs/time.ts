/**
 * Reads an event timestamp. ISO 8601 with `Z` or an offset is exact. The Connector's `%d` is local
 * time without a zone: it is read as the bot's local time, which is right when the bot and the
 * Connector share a time zone (both UTC in the usual container setup) and off by the difference
 * otherwise. Unreadable → undefined, and the event is judged by its source's window alone.
 */
export function parseEventTime(text: string): number | undefined {
  const value = Date.parse(text.trim().replace(',', '.'));
  return Number.isNaN(value) ? undefined : value;
}

/** A time for a chat line in the bot's local time: `09:14` today, `08-19 09:14` on another day. */
export function formatClock(time: number, now: Date): string {
  const date = new Date(time);
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  const sameDay =
    date.getFullYear() === now.getFullYear() && date.getMonth() === now.getMonth() && date.getDate() === now.getDate();
  return sameDay ? clock : `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${clock}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
