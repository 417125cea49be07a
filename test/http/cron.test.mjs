// Unit tests of scripts/cron.mjs, the matcher `npm start` uses to fire crons.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { CronError, cronMatches, msToNextMinute, parseCron, readCrons } from "../../scripts/cron.mjs";

const at = (iso) => new Date(iso);
// 2026-11-26 is a Thursday.
const THU = "2026-11-26";

describe("cronMatches", () => {
  test("* * * * * matches every minute", () => {
    for (const t of ["2026-01-01T00:00:00Z", `${THU}T13:37:59.999Z`, "2028-02-29T23:59:00Z"]) {
      assert.equal(cronMatches("* * * * *", at(t)), true, t);
    }
  });

  test("numbers pin a field", () => {
    assert.equal(cronMatches("17 * * * *", at(`${THU}T08:17:00Z`)), true);
    assert.equal(cronMatches("17 * * * *", at(`${THU}T08:17:42Z`)), true, "any second of the minute");
    assert.equal(cronMatches("17 * * * *", at(`${THU}T08:18:00Z`)), false);
    assert.equal(cronMatches("0 0 1 1 *", at("2027-01-01T00:00:00Z")), true);
    assert.equal(cronMatches("0 0 1 1 *", at("2027-02-01T00:00:00Z")), false);
  });

  test("*/n steps from the field's minimum", () => {
    const minutes = [...Array(60).keys()].filter((m) => cronMatches("*/15 * * * *", at(`${THU}T10:${String(m).padStart(2, "0")}:00Z`)));
    assert.deepEqual(minutes, [0, 15, 30, 45]);
    assert.equal(cronMatches("* */6 * * *", at(`${THU}T18:05:00Z`)), true);
    assert.equal(cronMatches("* */6 * * *", at(`${THU}T19:05:00Z`)), false);
    assert.equal(cronMatches("0 0 */10 * *", at("2026-11-21T00:00:00Z")), true, "days step from 1: 1, 11, 21, 31");
    assert.equal(cronMatches("0 0 */10 * *", at("2026-11-20T00:00:00Z")), false);
  });

  test("ranges, stepped ranges and lists", () => {
    const hours = [...Array(24).keys()].filter((h) => cronMatches("0 9-17 * * *", at(`${THU}T${String(h).padStart(2, "0")}:00:00Z`)));
    assert.deepEqual(hours, [9, 10, 11, 12, 13, 14, 15, 16, 17]);
    const stepped = [...Array(60).keys()].filter((m) => cronMatches("10-30/10 * * * *", at(`${THU}T10:${String(m).padStart(2, "0")}:00Z`)));
    assert.deepEqual(stepped, [10, 20, 30]);
    const list = [...Array(60).keys()].filter((m) => cronMatches("5,7,50-52 * * * *", at(`${THU}T10:${String(m).padStart(2, "0")}:00Z`)));
    assert.deepEqual(list, [5, 7, 50, 51, 52]);
    assert.equal(cronMatches("0 0 * 6-8 *", at("2026-07-04T00:00:00Z")), true);
    assert.equal(cronMatches("0 0 * 6-8 *", at("2026-09-04T00:00:00Z")), false);
  });

  test("day of week is Cloudflare's: 1-7 with 1 = Sunday, or names", () => {
    assert.equal(cronMatches("0 17 * * 1", at("2026-11-29T17:00:00Z")), true, "Sunday");
    assert.equal(cronMatches("0 17 * * sun", at("2026-11-29T17:00:00Z")), true);
    assert.equal(cronMatches("0 17 * * 5", at(`${THU}T17:00:00Z`)), true, "Thursday is 5");
    assert.equal(cronMatches("10 7 * * mon-fri", at(`${THU}T07:10:00Z`)), true);
    assert.equal(cronMatches("10 7 * * 2-6", at("2026-11-28T07:10:00Z")), false, "Saturday is 7");
    assert.equal(cronMatches("0 0 * JAN,jul *", at("2026-07-01T00:00:00Z")), true);
  });

  test("day of month and day of week: either matches when both are restricted", () => {
    assert.equal(cronMatches("0 0 13 * 6", at("2026-11-13T00:00:00Z")), true, "the 13th (a Friday)");
    assert.equal(cronMatches("0 0 13 * 6", at("2026-11-20T00:00:00Z")), true, "a Friday");
    assert.equal(cronMatches("0 0 13 * 6", at("2026-11-19T00:00:00Z")), false);
    assert.equal(cronMatches("0 0 13 * *", at("2026-11-20T00:00:00Z")), false);
  });

  test("matches in UTC whatever the local time zone", () => {
    assert.equal(cronMatches("30 23 * * *", at("2026-11-26T23:30:00Z")), true);
    assert.equal(cronMatches("30 23 * * *", at("2026-11-26T23:30:00-05:00")), false);
    assert.equal(cronMatches("30 23 * * *", 1795735800000), true, "epoch ms for 2026-11-26T23:30Z");
  });

  test("a parsed cron can be reused", () => {
    const c = parseCron("*/5 * * * *");
    assert.equal(c.expr, "*/5 * * * *");
    assert.equal(cronMatches(c, at(`${THU}T00:05:00Z`)), true);
    assert.equal(cronMatches(c, at(`${THU}T00:06:00Z`)), false);
  });
});

describe("parseCron refuses what it cannot honour", () => {
  for (const bad of [
    "* * * *",
    "* * * * * *",
    "60 * * * *",
    "* 24 * * *",
    "* * 0 * *",
    "* * * 13 *",
    "* * * * 0",
    "* * * * 8",
    "*/0 * * * *",
    "30-10 * * * *",
    "1-2-3 * * * *",
    "a * * * *",
    "59 23 LW * *",
    "0 18 * * 6L",
    "0 0 * * 2#1",
    "",
  ]) {
    test(JSON.stringify(bad), () => assert.throws(() => parseCron(bad), CronError));
  }
});

describe("readCrons", () => {
  test("reads the list under [triggers], one line or several, ignoring comments", () => {
    const toml = [
      'name = "x"',
      'crons = ["9 9 9 9 *"] # not under [triggers]',
      "[triggers]",
      "# every minute, and hourly at :17",
      'crons = [ "* * * * *", # sweep',
      "  '17 * * * *',",
      "]",
      "[env.staging.triggers]",
      'crons = ["0 0 * * *"]',
    ].join("\n");
    assert.deepEqual(readCrons(toml), ["* * * * *", "17 * * * *"]);
    assert.deepEqual(readCrons("[triggers]\ncrons = []\n"), []);
    assert.deepEqual(readCrons("[vars]\nA = 1\n"), []);
  });

  test("every cron in this project's wrangler.toml parses", () => {
    const crons = readCrons(readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8"));
    assert.ok(crons.length > 0, "wrangler.toml declares crons");
    for (const c of crons) assert.doesNotThrow(() => parseCron(c), c);
  });
});

test("msToNextMinute", () => {
  assert.equal(msToNextMinute(Date.parse("2026-11-26T10:00:00.000Z")), 60_000);
  assert.equal(msToNextMinute(Date.parse("2026-11-26T10:00:59.250Z")), 750);
});
