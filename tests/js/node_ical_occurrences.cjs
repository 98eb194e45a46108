// Reads an iCalendar document with node-ical (its own parser and rrule-temporal, nothing
// shared with ical.js) and prints, as JSON, every occurrence [summary, start in UTC ISO]
// starting in [from, to). Usage: node node_ical_occurrences.cjs FILE FROM_ISO TO_ISO
const ical = require("node-ical");

const [file, fromIso, toIso] = process.argv.slice(2);
const from = new Date(fromIso);
const to = new Date(toIso);
const found = [];
for (const item of Object.values(ical.sync.parseFile(file))) {
  if (item.type !== "VEVENT" || item.status === "CANCELLED") continue;
  if (item.recurrenceid) continue; // an override: its series brings it through expansion
  const instances = item.rrule
    ? ical.expandRecurringEvent(item, { from, to: new Date(to.getTime() - 1) })
    : [{ summary: item.summary, start: item.start }];
  for (const instance of instances) {
    const start = new Date(instance.start);
    if (start >= from && start < to) found.push([String(instance.summary), start.toISOString()]);
  }
}
found.sort((a, b) => (a[1] + a[0] < b[1] + b[0] ? -1 : 1));
process.stdout.write(JSON.stringify(found));
