import { MAX_JSON_CONTAINERS, MAX_JSON_DEPTH } from './canonical-json.js';

/**
 * Why a signal's or an ACK's JSON text is too deep or holds too many arrays and objects for its
 * payload (or result) to be within MAX_JSON_DEPTH and MAX_JSON_CONTAINERS, or undefined. One scan,
 * no parsing: parsing, checking and hashing cost about a microsecond per array or object each, so
 * a hostile 1 MB body of brackets is refused for the cost of reading it (about a millisecond).
 * The message object itself is one container deeper and one more.
 */
export function jsonShapeProblem(text: string): string | undefined {
  const maxDepth = MAX_JSON_DEPTH + 1;
  const maxContainers = MAX_JSON_CONTAINERS + 1;
  // Each level and each container takes an opening bracket: a text this short holds too few to
  // exceed either limit (every signal and ACK without a large payload), and is not scanned.
  if (text.length <= Math.min(maxDepth, maxContainers)) return undefined;
  let depth = 0;
  let containers = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      containers += 1;
      if (depth > maxDepth) return `nests deeper than ${MAX_JSON_DEPTH} levels`;
      if (containers > maxContainers) return `holds more than ${MAX_JSON_CONTAINERS} arrays and objects`;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return undefined;
}
