/**
 * The metric names a PromQL expression reads. Not a PromQL parser: enough for the expressions of
 * deploy/ (selectors, functions, aggregations with by/without, ranges, numbers, comparisons).
 */
const FUNCTIONS_AND_KEYWORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets', 'absent', 'absent_over_time',
  'histogram_quantile', 'label_replace', 'label_join', 'clamp_min', 'clamp_max', 'abs', 'ceil', 'floor', 'round',
  'sum_over_time', 'avg_over_time', 'max_over_time', 'min_over_time', 'count_over_time', 'last_over_time',
  'time', 'timestamp', 'vector', 'scalar', 'sort', 'sort_desc',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset',
]);

export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings (label values)
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // label lists
    .replace(/\[[^\]]*\]/g, '') // ranges, $__rate_interval included
    .replace(/\$\w+/g, ''); // dashboard variables
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = match[0];
    if (FUNCTIONS_AND_KEYWORDS.has(word)) continue;
    if (/^(?:Inf|NaN|e\d*)$/i.test(word)) continue; // 1e3, +Inf
    names.add(word);
  }
  return [...names].sort();
}

/** Each `name{label="..."}` selector of an expression: the metric and the labels it matches on. */
export function selectorsIn(expr: string): { name: string; labels: string[] }[] {
  return [...expr.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\{([^}]*)\}/g)].map((m) => ({
    name: m[1]!,
    labels: [...m[2]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!=|!~|=)/g)].map((l) => l[1]!),
  }));
}

/** The labels of every `by (...)` and `without (...)` of an expression. */
export function groupingLabelsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim()).filter(Boolean));
}
