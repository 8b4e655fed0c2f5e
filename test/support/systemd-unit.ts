/**
 * A systemd unit file's settings by `Section.Key`, each key's values in order (a key may be given more than once).
 * Throws on a line that is neither a comment, a section header nor a setting.
 */
export function unitSettings(text: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let section = '';
  for (const [index, line] of text.split('\n').map((l) => l.trim()).entries()) {
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    const setting = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (header) section = header[1]!;
    else if (setting && section) {
      const key = `${section}.${setting[1]}`;
      found.set(key, [...(found.get(key) ?? []), setting[2]!]);
    } else throw new Error(`line ${index + 1} is no setting of a section: ${line}`);
  }
  return found;
}
