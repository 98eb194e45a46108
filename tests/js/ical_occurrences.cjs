// Reads an iCalendar document the way Thunderbird's calendar does (ical.js) and prints,
// as JSON, every occurrence [summary, start in UTC ISO] starting in [from, to).
// Usage: node ical_occurrences.cjs FILE FROM_ISO TO_ISO
const fs = require("fs");
const ICAL = require("ical.js");

const [file, fromIso, toIso] = process.argv.slice(2);
const from = new Date(fromIso);
const to = new Date(toIso);
const root = new ICAL.Component(ICAL.parse(fs.readFileSync(file, "utf8")));
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}
const masters = new Map();
const overrides = [];
for (const vevent of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  if (event.isRecurrenceException()) overrides.push(event);
  else masters.set(event.uid, event);
}
for (const override of overrides) masters.get(override.uid).relateException(override);

const found = [];
for (const event of masters.values()) {
  if (event.component.getFirstPropertyValue("status") === "CANCELLED") continue;
  if (!event.isRecurring()) {
    const start = event.startDate.toJSDate();
    if (start >= from && start < to) found.push([event.summary, start.toISOString()]);
    continue;
  }
  const iterator = event.iterator();
  for (let next = iterator.next(); next; next = iterator.next()) {
    const details = event.getOccurrenceDetails(next);
    const start = details.startDate.toJSDate();
    if (details.recurrenceId.toJSDate() >= to && start >= to) break;
    if (start >= from && start < to) found.push([details.item.summary, start.toISOString()]);
  }
}
found.sort((a, b) => (a[1] + a[0] < b[1] + b[0] ? -1 : 1));
process.stdout.write(JSON.stringify(found));
