"""Kiosk load from ``wrk`` (C, a Lua script per connection): the load
generator costs far less CPU than Python ``requests`` on the same 2 cores.

Each connection loops: GET ``/kiosk/<code>/`` (a random station of the
list) for a fresh form (CSRF token, submission key, categories), then POST
the submission; an accepted POST (302 to the confirmation page) appends its
submission key to a file, and every key is then looked up in the database.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

LUA = r"""
local codes = {}
local marker_body = ""
local outdir = ""
local phase, path, cookie, token, key, cats = "get", "", nil, nil, nil, nil
local out
local counter = 0
local hex = "0123456789abcdef"

function init(args)
  for line in io.lines(args[1]) do table.insert(codes, line) end
  marker_body = args[2]
  outdir = args[3]
  math.randomseed(os.time() + (tonumber(string.match(tostring({}), "0x(%x+)"), 16) or 0) % 1000003)
  local id = tostring(os.time()) .. "-" .. tostring(math.random(1, 1e9))
  out = io.open(outdir .. "/accepted-" .. id .. ".txt", "w")
  out:setvbuf("line")
end

function request()
  if phase == "post" then
    local body = "csrfmiddlewaretoken=" .. token .. "&submission_key=" .. key .. "&category=" .. cats[math.random(#cats)]
      .. marker_body .. "&phone=139" .. string.format("%08d", math.random(0, 99999999))
    return wrk.format("POST", path, {["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
  end
  path = "/kiosk/" .. codes[math.random(#codes)] .. "/"
  if cookie then
    return wrk.format("GET", path, {["Cookie"] = cookie})
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if phase == "get" then
    local sc = headers["Set-Cookie"]
    if sc then
      local c = string.match(sc, "(csrftoken=[^;]+)")
      if c then cookie = c end
    end
    token = string.match(body, 'name="csrfmiddlewaretoken" value="([^"]+)"')
    key = string.match(body, 'name="submission_key" value="([0-9a-f]+)"')
    cats = {}
    for c in string.gmatch(body, 'name="category" value="(%d+)"') do table.insert(cats, c) end
    if status == 200 and token and key and cookie and #cats > 0 then
      phase = "post"
    else
      out:write("form-error " .. status .. "\n")
    end
  else
    phase = "get"
    local loc = headers["Location"] or ""
    if status == 302 and string.find(loc, "/submitted/", 1, true) then
      out:write("ok " .. key .. "\n")
    else
      out:write("post-error " .. status .. "\n")
    end
  end
end

function done(summary, latency, requests)
  io.write(string.format("P95 %d\n", latency:percentile(95.0)))
  io.write(string.format("P50 %d\n", latency:percentile(50.0)))
end
"""

LAT_RE = re.compile(r"^\s+(50|75|90|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def available() -> bool:
    return shutil.which("wrk") is not None


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _pct(text: str, name: str) -> float | None:
    m = re.search(rf"^{name} (\d+)$", text, re.M)
    return round(int(m.group(1)) / 1000, 1) if m else None


def kiosk_load_wrk(base: str, station_codes: list[str], *, threads: int, seconds: float) -> dict:
    from proposals.models import Case

    from .measure import KIOSK_MARKER

    marker = f"{KIOSK_MARKER}{uuid.uuid4().hex[:8]}"
    fields = {
        "content": f"小区门口路灯坏了很久，晚上出行不安全，希望尽快修好。{marker}",
        "address": "中山路12号",
        "resident_name": "张三",
        "consent": "on",
    }
    marker_body = "".join(f"&{k}={quote(v)}" for k, v in fields.items())
    with tempfile.TemporaryDirectory(prefix="kiosk-wrk-") as tmp:
        tmpdir = Path(tmp)
        (tmpdir / "codes.txt").write_text("\n".join(station_codes) + "\n")
        (tmpdir / "kiosk.lua").write_text(LUA)
        cmd = [
            "wrk", "-t", str(threads), "-c", str(threads), "-d", f"{int(seconds)}s", "--latency", "--timeout", "30s",
            "-s", str(tmpdir / "kiosk.lua"), base, "--", str(tmpdir / "codes.txt"), marker_body, str(tmpdir),
        ]  # fmt: skip
        started = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        elapsed = time.monotonic() - started
        accepted, errors = [], {}
        for path in tmpdir.glob("accepted-*.txt"):
            for line in path.read_text().splitlines():
                kind, _, rest = line.partition(" ")
                if kind == "ok":
                    accepted.append(rest)
                else:
                    errors[line] = errors.get(line, 0) + 1
    # wrk's own duration is the measured window (start-up is not counted).
    duration = float(int(seconds))
    latency = {m.group(1): _ms(m.group(2), m.group(3)) for m in LAT_RE.finditer(proc.stdout)}
    found = 0
    for i in range(0, len(accepted), 1000):
        found += Case.objects.filter(submission_key__in=accepted[i : i + 1000], content__endswith=marker).count()
    return {
        "client": "wrk",
        "threads": threads,
        "seconds": round(duration, 1),
        "wall_seconds": round(elapsed, 1),
        "accepted": len(accepted),
        "per_second": round(len(accepted) / duration, 1),
        "request_p50_ms": _pct(proc.stdout, "P50") or latency.get("50"),
        "request_p95_ms": _pct(proc.stdout, "P95"),
        "request_p99_ms": latency.get("99"),
        "found_in_db": found,
        "lost": len(accepted) - found,
        "duplicates": len(accepted) - len(set(accepted)),
        "errors": errors,
        "wrk_output": proc.stdout[-1500:] + proc.stderr[-500:],
    }
