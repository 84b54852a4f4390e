/**
 * Keys a JSON object names twice. `JSON.parse` keeps the last silently; a mapping that names
 * one field twice is a mistake worth saying, so the route looks at the raw text too.
 *
 * @example duplicateKeys('{"mapping":{"email":"A","email":"B"}}') // ['mapping.email']
 */
export function duplicateKeys(json: string): string[] {
  const found: string[] = [];
  // One frame per open object or array: the keys seen, and the path to it.
  const stack: { keys: Set<string> | null; path: string; expectKey: boolean; lastKey: string }[] = [];
  let i = 0;
  while (i < json.length) {
    const ch = json[i];
    const top = stack[stack.length - 1];
    if (ch === '"') {
      let j = i + 1;
      while (j < json.length && json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      const text = json.slice(i, j + 1);
      if (top?.keys && top.expectKey) {
        let key: string;
        try {
          key = JSON.parse(text) as string;
        } catch {
          return found;
        }
        if (top.keys.has(key)) found.push(top.path ? `${top.path}.${key}` : key);
        top.keys.add(key);
        top.lastKey = key;
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (ch === '{' || ch === '[') {
      const path = top ? (top.keys ? (top.path ? `${top.path}.${top.lastKey}` : top.lastKey) : top.path) : '';
      stack.push({ keys: ch === '{' ? new Set() : null, path, expectKey: ch === '{', lastKey: '' });
    } else if (ch === '}' || ch === ']') stack.pop();
    else if (ch === ',' && top?.keys) top.expectKey = true;
    i++;
  }
  return found;
}
