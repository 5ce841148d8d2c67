#!/usr/bin/env python3
"""Writes the example data set in examples/events/ (deterministic: same output every run).

    scripts/make-examples.py [--out examples/events] [--samples ../shared/samples]

What it writes:
  events-YYYY-MM-DD.jsonl   one file per day before 2026-12-03: causal chains
                            commit (github) -> build (jenkins) -> deploys per environment
                            (spinnaker) -> host runs (chef), failures, standalone feature-flag,
                            config and maintenance events, wrapper lines, an update re-using an
                            id, events without an id, and exactly three malformed lines.
  apt-host/, seed-example/  copies of the real sample data (../shared/samples).
  ../README.md              what is where, including the file:line of each malformed line.
"""

import argparse
import datetime as dt
import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_DAY = dt.date(2026, 11, 25)
LAST_DAY = dt.date(2026, 12, 2)  # the data ends the day before 2026-12-03
MALFORMED_DAY = dt.date(2026, 11, 29)

SERVICES = {
    # service: (repository, hosts per environment)
    "checkout": ("shop/checkout", 3),
    "payments": ("shop/payments", 2),
    "search": ("shop/search", 3),
    "inventory": ("shop/inventory", 2),
    "auth-api": ("platform/auth-api", 2),
    "web-frontend": ("shop/web-frontend", 3),
}
ENVIRONMENTS = ["staging", "canary", "production"]
AUTHORS = ["alice@example.com", "bob@example.com", "chen.wei@example.com", "dmitri@example.com",
           "josé.álvarez@example.com", "priya@example.com", "sam@example.com"]
COMMIT_MESSAGES = [
    "Fix rounding of discounts in the cart total", "Add retry with backoff to the payment gateway client",
    "Bump base image to debian 12.8", "Cache category pages for 60 s", "Remove the legacy v1 login endpoint",
    "Log request ids on every 5xx", "Raise the connection pool to 64", "Upgrade the TLS library",
    "Paginate the order history API", "Translate checkout errors (日本語, Deutsch)", "Tune the search ranking weights",
    "Drop unused feature flag new-header", "Validate postcode format before address lookup",
    "Speed up stock reservation query", "Rotate signing keys on boot",
]
FLAGS = ["new-checkout-flow", "search-v2-ranking", "one-click-pay", "dark-mode", "free-shipping-banner"]
CONFIG_KEYS = [("payments", "gateway.timeout_ms"), ("search", "index.refresh_interval"),
               ("checkout", "cart.max_items"), ("auth-api", "session.ttl"), ("inventory", "reservation.hold_minutes")]


def iso(moment: dt.datetime, style: int) -> str:
    """Each producer writes times its own way, as real ones do."""
    moment = moment.astimezone(dt.timezone.utc)
    if style == 0:  # github: second precision, Z
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == 1:  # jenkins: a space, microseconds, no offset (UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    if style == 2:  # spinnaker: milliseconds, Z
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if style == 3:  # chef: local time of the data centre, +01:00
        return moment.astimezone(dt.timezone(dt.timedelta(hours=1))).isoformat(timespec="seconds")
    return moment.isoformat()  # +00:00


class Day:
    """The lines of one day's file, kept in the order a collector would append them."""

    def __init__(self, day: dt.date, rng: random.Random):
        self.day = day
        self.rng = rng
        self.lines: list[tuple[dt.datetime, int, str]] = []  # (when written, sequence, text)
        self.count = 0

    def add(self, written: dt.datetime, event: dict, wrapped: bool = False):
        payload = {"event": event} if wrapped else event
        self.lines.append((written, len(self.lines), json.dumps(payload, ensure_ascii=False)))
        self.count += 1

    def add_raw(self, written: dt.datetime, text: str):
        self.lines.append((written, len(self.lines), text))

    def text(self) -> tuple[str, list[tuple[int, str]]]:
        ordered = sorted(self.lines)
        return "".join(line + "\n" for _, _, line in ordered), ordered


def event(id_, start, end, description, tags, parent=None, source_id=None, urls=None, style=4):
    result = {}
    if id_ is not None:
        result["id"] = id_
    if parent:
        result["parent_id"] = parent
    if source_id:
        result["source_id"] = source_id
    result["start_time"] = iso(start, style)
    result["end_time"] = iso(end, style)
    result["description"] = description
    if urls:
        result["detail_urls"] = urls
    result["tags"] = tags
    return result


def release(day: Day, service: str, start: dt.datetime, serial: int):
    """A commit, its build, and the deploys and host runs it causes (stopping at the first failure)."""
    rng = day.rng
    repo, host_count = SERVICES[service]
    author = rng.choice(AUTHORS)
    sha = "%040x" % rng.getrandbits(160)
    message = rng.choice(COMMIT_MESSAGES)
    commit_id = f"commit-{sha[:12]}"
    pushed = start
    day.add(pushed, event(commit_id, pushed, pushed, f"{repo}: {message}",
                          {"source": ["github"], "author": [author], "repository": [repo], "service": [service],
                           "branch": ["main"]},
                          source_id=sha, urls={"commit": f"https://github.example.com/{repo}/commit/{sha}"}, style=0),
            wrapped=rng.random() < 0.25)

    build_number = 1000 + serial
    build_start = pushed + dt.timedelta(seconds=rng.randint(20, 180))
    build_end = build_start + dt.timedelta(seconds=rng.randint(180, 720), microseconds=rng.randint(0, 999999))
    build_failed = rng.random() < 0.12
    build_id = f"jenkins-{service}-{build_number}"
    day.add(build_end, event(build_id, build_start, build_end,
                             f"build {service} #{build_number}" + (": unit tests failed" if build_failed else ""),
                             {"source": ["jenkins"], "service": [service], "type": ["build"],
                              "status": ["fail" if build_failed else "success"]},
                             parent=commit_id, source_id=f"{service}#{build_number}",
                             urls={"console": f"https://jenkins.example.com/job/{service}/{build_number}/console"},
                             style=1))
    if build_failed:
        return

    at = build_end + dt.timedelta(seconds=rng.randint(30, 240))
    for environment in ENVIRONMENTS:
        execution = "%024x" % rng.getrandbits(96)
        deploy_id = f"deploy-{service}-{environment}-{build_number}"
        deploy_start = at
        hosts = [f"{service}-{environment[:4]}-{k + 1:02d}" for k in range(host_count if environment != "canary" else 1)]
        host_failed = None
        if environment != "staging" and rng.random() < 0.10:
            host_failed = rng.choice(hosts)
        # Production rolls one host at a time; elsewhere the runs overlap.
        next_start = deploy_start + dt.timedelta(seconds=rng.randint(5, 30))
        last_end = next_start
        for host in hosts:
            run_start = next_start + dt.timedelta(seconds=rng.randint(2, 20))
            run_end = run_start + dt.timedelta(seconds=rng.randint(25, 150), microseconds=rng.randint(0, 999) * 1000)
            next_start = run_end if environment == "production" else run_start
            last_end = max(last_end, run_end)
            failed = host == host_failed
            day.add(run_end, event(f"chef-{host}-{run_start:%Y%m%d%H%M%S}", run_start, run_end,
                                   f"chef-client on {host}: {service} {build_number}" +
                                   (" FAILED: service did not become healthy" if failed else ", 7 resources updated"),
                                   {"source": ["chef"], "host": [host], "service": [service],
                                    "environment": [environment], "status": ["fail" if failed else "success"]},
                                   parent=deploy_id,
                                   urls={"run": f"https://chef.example.com/nodes/{host}/runs/{run_start:%Y%m%d%H%M%S}"},
                                   style=3))
            if failed:
                break
        deploy_end = last_end + dt.timedelta(seconds=rng.randint(5, 40))
        deploy = event(deploy_id, deploy_start, deploy_end,
                       f"deploy {service} build {build_number} to {environment}" + (" (rolled back)" if host_failed else ""),
                       {"source": ["spinnaker"], "service": [service], "environment": [environment], "type": ["deploy"],
                        "status": ["fail" if host_failed else "success"]},
                       parent=build_id, source_id=execution,
                       urls={"pipeline": f"https://spinnaker.example.com/#/applications/{service}/executions/{execution}"},
                       style=2)
        day.add(deploy_end, deploy, wrapped=environment == "canary" and rng.random() < 0.5)
        if host_failed:
            return
        at = deploy_end + dt.timedelta(minutes=rng.randint(5, 25) if environment == "canary" else rng.randint(1, 4))


def standalone(day: Day, moment: dt.datetime, kind: int, serial: int):
    rng = day.rng
    if kind == 0:
        flag = rng.choice(FLAGS)
        environment = rng.choice(ENVIRONMENTS)
        percent = rng.choice([0, 5, 25, 50, 100])
        # Flag changes come without an id: the loader derives a stable one from the line.
        day.add(moment, event(None, moment, moment, f"feature flag {flag} set to {percent}% in {environment}",
                              {"source": ["launchdarkly"], "flag": [flag], "environment": [environment],
                               "author": [rng.choice(AUTHORS)], "type": ["feature-flag"]},
                              urls={"flag": f"https://flags.example.com/{flag}"}))
    elif kind == 1:
        service, key = rng.choice(CONFIG_KEYS)
        environment = rng.choice(ENVIRONMENTS)
        day.add(moment, event(f"config-{serial:04d}", moment, moment + dt.timedelta(seconds=rng.randint(1, 9)),
                              f"config {key} changed for {service} in {environment}",
                              {"source": ["consul"], "service": [service], "environment": [environment],
                               "type": ["config-change"], "key": [key]},
                              source_id=f"consul-index-{rng.randint(10**6, 10**7)}",
                              urls={"diff": f"https://consul.example.com/ui/kv/{service}/{key}"}),
                wrapped=serial % 3 == 0)
    else:
        hours = rng.randint(3, 9)
        day.add(moment, event(f"maintenance-{serial:04d}", moment, moment + dt.timedelta(hours=hours),
                              f"database maintenance window: vacuum and reindex orders-db ({hours} h)",
                              {"source": ["ops"], "service": ["orders-db"], "environment": ["production"],
                               "type": ["maintenance"]}))


def build_day(day_date: dt.date, rng: random.Random, serial: list[int]) -> Day:
    day = Day(day_date, rng)
    base = dt.datetime(day_date.year, day_date.month, day_date.day, tzinfo=dt.timezone.utc)
    releases = rng.randint(5, 7)
    starts = sorted(base + dt.timedelta(hours=7, minutes=rng.randint(0, 11 * 60)) for _ in range(releases))
    for start in starts:
        serial[0] += 1
        release(day, rng.choice(list(SERVICES)), start, serial[0])
    for k in range(rng.randint(4, 6)):
        serial[0] += 1
        moment = base + dt.timedelta(minutes=rng.randint(6 * 60, 20 * 60), seconds=rng.randint(0, 59))
        standalone(day, moment, 0 if k % 2 == 0 else 1, serial[0])
    if day_date.weekday() == 6:  # Sunday night maintenance: a long event spanning other events
        serial[0] += 1
        standalone(day, base + dt.timedelta(hours=1), 2, serial[0])
    return day


def add_update(day: Day):
    """A deploy that was written when it started and again (same id) when it finished."""
    rng = day.rng
    base = dt.datetime(day.day.year, day.day.month, day.day.day, 19, 5, tzinfo=dt.timezone.utc)
    started = event("deploy-search-production-hotfix-1", base, base, "deploy search hotfix-1 to production (running)",
                    {"source": ["spinnaker"], "service": ["search"], "environment": ["production"], "type": ["deploy"],
                     "status": ["running"]}, source_id="01HOTFIX0000000000000001", style=2)
    finished = dict(started)
    finished["end_time"] = iso(base + dt.timedelta(minutes=11, seconds=rng.randint(0, 59)), 2)
    finished["description"] = "deploy search hotfix-1 to production"
    finished["tags"] = dict(started["tags"], status=["success"])
    day.add(base, started)
    day.count -= 1  # the same event, updated
    day.add(base + dt.timedelta(minutes=12), finished)


def add_malformed(day: Day) -> list[str]:
    """Exactly three bad lines, in the middle of the file (a bad final line without a newline is
    taken as still being written, and not reported)."""
    base = dt.datetime(day.day.year, day.day.month, day.day.day, tzinfo=dt.timezone.utc)
    truncated = json.dumps(event("chef-truncated", base, base, "a collector crashed mid-line",
                                 {"source": ["chef"], "host": ["search-prod-02"]}))[:70]
    day.add_raw(base + dt.timedelta(hours=9, minutes=30), truncated)
    bad_time = event("config-bad-time", base, base, "config change with an impossible date",
                     {"source": ["consul"], "type": ["config-change"]})
    bad_time["start_time"] = bad_time["end_time"] = "2026-11-31T10:15:00Z"
    day.add_raw(base + dt.timedelta(hours=12, minutes=45), json.dumps(bad_time))
    bad_tags = event("flag-bad-tags", base, base, "feature flag change with tags as a list",
                     {"source": ["launchdarkly"]})
    bad_tags["tags"] = ["source:launchdarkly", "flag:dark-mode"]
    day.add_raw(base + dt.timedelta(hours=16, minutes=2), json.dumps(bad_tags))
    return [truncated, json.dumps(bad_time), json.dumps(bad_tags)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "examples" / "events"))
    parser.add_argument("--samples", default=str(ROOT.parent / "shared" / "samples"))
    options = parser.parse_args()
    out = Path(options.out)
    samples = Path(options.samples)
    for name in ("apt-host", "seed-example"):
        if not (samples / name).is_dir():
            print(f"make-examples: {samples / name} is missing (pass --samples DIR)", file=sys.stderr)
            return 2
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    rng = random.Random(20261203)
    serial = [0]
    generated = 0
    bad: list[tuple[str, int, str]] = []
    day_date = FIRST_DAY
    while day_date <= LAST_DAY:
        day = build_day(day_date, rng, serial)
        if day_date == LAST_DAY - dt.timedelta(days=1):
            add_update(day)
        malformed = add_malformed(day) if day_date == MALFORMED_DAY else []
        text, ordered = day.text()
        name = f"events-{day_date.isoformat()}.jsonl"
        (out / name).write_text(text, encoding="utf-8")
        for number, (_, _, line) in enumerate(ordered, start=1):
            if line in malformed:
                bad.append((name, number, line))
        generated += day.count
        day_date += dt.timedelta(days=1)

    copied = 0
    for name in ("apt-host", "seed-example"):
        (out / name).mkdir()
        for source in sorted((samples / name).glob("*.jsonl")):
            shutil.copyfile(source, out / name / source.name)  # contents only: the samples are read-only
        copied += sum(1 for f in (out / name).glob("*.jsonl") for line in f.open(encoding="utf-8") if line.strip())

    reasons = ["truncated JSON (a collector crashed mid-line)", "bad timestamp: 2026-11-31 does not exist",
               "tags of the wrong type: a list instead of an object"]
    lines = "\n".join(f"- `{name}:{number}`: {reason}" for (name, number, _), reason in zip(bad, reasons))
    readme = f"""# Example data

`events/` is what `make run` opens: {generated + copied} events in several `*.jsonl` files, written by
`scripts/make-examples.py` (deterministic; run it again after changing it, and commit the result).

- `events-{FIRST_DAY}.jsonl` … `events-{LAST_DAY}.jsonl`: one file per day, {generated} events. Each
  release is a causal chain four levels deep: a commit (`source:github`, `author`) → its build
  (`source:jenkins`) → one deploy per environment (`source:spinnaker`, `service`, `environment`;
  staging, canary, production) → one chef run per host (`source:chef`, `host`). A failed build stops the
  chain; a failed host run (`status:fail`) fails its deploy and stops the rollout. Standalone events:
  feature flags (`source:launchdarkly`, written without an `id`), config changes (`source:consul`),
  and on Sundays a long maintenance window (`source:ops`) spanning other events. Some lines use the
  `{{"event": {{...}}}}` wrapper; `deploy-search-production-hotfix-1` is written twice (the later line,
  with the final status, replaces the first). Each producer writes times its own way (`Z`, `+01:00`,
  a space and no offset).
- `apt-host/`: real data, copied from `../shared/samples/apt-host` (`source:provisioner` image builds →
  `source:apt` runs → `source:dpkg` package changes).
- `seed-example/`: the two events of the original Tycho user guide, in the wrapper form.

Exactly three lines are malformed on purpose, so the status line and `tycho check` have something to
report:

{lines}

```sh
tycho check --data examples/events            # lists the three lines above, exit status 1
tycho query --data examples/events --tag source:apt --count 3
```
"""
    (out.parent / "README.md").write_text(readme, encoding="utf-8")
    print(f"wrote {out}: {generated} generated + {copied} copied events; malformed: "
          + ", ".join(f"{name}:{number}" for name, number, _ in bad))
    return 0


if __name__ == "__main__":
    sys.exit(main())
