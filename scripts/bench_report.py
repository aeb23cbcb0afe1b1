#!/usr/bin/env python3
"""Collects the raw benchmark outputs of scripts/bench into bench/report.json and the
generated table of docs/PERFORMANCE.md (between the bench:begin / bench:end markers).

usage: bench_report.py RAW_DIR REPORT_JSON PERFORMANCE_MD [--quick]
       bench_report.py --web-only WEB_JSON REPORT_JSON PERFORMANCE_MD
       bench_report.py --desil-only DESIL_JSON REPORT_JSON PERFORMANCE_MD
  --web-only: scripts/bench-web run alone (the full run is too long for a shared machine):
  its figures replace the web_* keys and meta.web of REPORT_JSON, the rest is kept as it was,
  and the table says which rows came from which run.
"""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        return {"skipped": f"{os.path.basename(path)}: {e}"}


def cmd(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


WEB_KEYS = (
    "web_bundle_bytes_compressed", "web_photo_time_ratio_vs_native", "web_photo_peak_wasm_memory_mb",
    "web_unlock_ms", "web_first_load_s_1mbit", "web_cold_start_ms_offline_4x", "web_pin_to_list_ms_4x",
    "web_search_p99_ms_20k",
)


def machine():
    return {
        "cpus": os.cpu_count(),
        "model": next(
            (l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
            platform.processor(),
        ),
        "kernel": platform.release(),
        "load_average_at_report": os.getloadavg(),
    }


def web_only(web_path, report_path, md_path):
    """Merges a scripts/bench-web run alone into the existing report."""
    web = load(web_path)
    if "skipped" in web:
        sys.exit(f"bench_report.py: {web_path}: {web['skipped']}")
    with open(report_path) as f:
        report = json.load(f)
    meta = report.pop("meta")
    kept = []
    for k in WEB_KEYS:
        if web.get(k) is not None:
            report[k] = web[k]
        elif report.get(k) is not None:
            kept.append(k)  # not measured in this run: the earlier figure stays, said below
        else:
            report[k] = None
    previous = meta.get("web")
    meta["web"] = {k: v for k, v in web.items() if k != "bundle_files"}
    if kept and previous:
        meta["web"]["earlier_run_kept"] = {"keys": kept, "run": previous}
    meta["web_run"] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "git": cmd("git", "rev-parse", "--short", "HEAD"),
        "machine": machine(),
    }
    report["meta"] = meta
    with open(report_path, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    run = meta["web_run"]
    note = (
        f"(The Web rows: `scripts/bench-web` alone on {run['date']}, commit {run['git']}, load average "
        f"{', '.join(f'{x:.1f}' for x in run['machine']['load_average_at_report'])} at its end; "
        "the rest from the run below.)"
    )
    if kept:
        note += f" (Kept from an earlier `scripts/bench-web` run: {', '.join(kept)}.)"
    render(report, md_path, meta.get("mode") == "quick", note)


DESIL_KEYS = {
    "desil_import_ratio_vs_raw": "desil_import_ratio_vs_raw",
    "desil_import_rows_per_s": "import_rows_per_s",
    "desil_import_peak_rss_growth_mb": "desil_import_peak_rss_growth_mb",
    "desil_file_mb": "file_mb",
}


def desil_only(desil_path, report_path, md_path):
    """Merges a desil_bench run alone (sync-server/examples/desil_bench.rs) into the report."""
    desil = load(desil_path)
    with open(report_path) as f:
        report = json.load(f)
    meta = report.pop("meta")
    for key, raw_key in DESIL_KEYS.items():
        report[key] = desil.get(raw_key)
    meta["desil"] = desil
    meta["desil_run"] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "git": cmd("git", "rev-parse", "--short", "HEAD"),
        "machine": machine(),
    }
    report["meta"] = meta
    with open(report_path, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    run = meta["desil_run"]
    note = (
        f"(The desil rows: `desil_bench --rows 100000` alone on {run['date']}, commit {run['git']}, "
        f"load average {', '.join(f'{x:.1f}' for x in run['machine']['load_average_at_report'])}.)"
    )
    if meta.get("web_run"):
        w = meta["web_run"]
        note += f" (The Web rows: `scripts/bench-web` alone on {w['date']}, commit {w['git']}.)"
    render(report, md_path, meta.get("mode") == "quick", note)


def main():
    if sys.argv[1:2] == ["--web-only"]:
        web_only(*sys.argv[2:5])
        return
    if sys.argv[1:2] == ["--desil-only"]:
        desil_only(*sys.argv[2:5])
        return
    raw, report_path, md_path = sys.argv[1:4]
    quick = "--quick" in sys.argv[4:]

    photo = load(os.path.join(raw, "photo.json"))
    store = load(os.path.join(raw, "store.json"))
    ingests = sorted(
        (load(os.path.join(raw, f)) for f in os.listdir(raw) if f.startswith("ingest-")),
        key=lambda d: d.get("throughput", {}).get("ratio_http_to_raw", 0),
    )
    load200 = load(os.path.join(raw, "load-200.json")).get("load", {})
    link = load(os.path.join(raw, "link.json"))
    app = load(os.path.join(raw, "app.json"))
    backup = load(os.path.join(raw, "backup.json"))
    web = load(os.path.join(raw, "web.json"))
    desil = load(os.path.join(raw, "desil.json"))
    pgraw = load(os.path.join(raw, "pg.json"))
    pg = pgraw.get("pg", {})
    load500 = pgraw.get("load", {})

    def med(key):
        vals = [d["throughput"][key] for d in ingests if key in d.get("throughput", {})]
        return statistics.median(vals) if vals else None

    report = {
        "photo_time_ratio_vs_vips": photo.get("photo_time_ratio_vs_vips"),
        "photo_bytes_ratio_vs_vips": photo.get("photo_bytes_ratio_vs_vips"),
        "ingest_ratio_vs_raw_sqlite": med("ratio_http_to_raw"),
        "ingest_households_per_s": med("http_households_per_s"),
        "ingest_ratio_vs_raw_server_rows": med("ratio_http_to_raw_server_rows"),
        "ingest_one_device_households_per_s": med("one_device_households_per_s"),
        "ingest_one_device_ratio_vs_raw_sqlite": med("ratio_one_device_to_raw"),
        "load_200_devices_errors": load200.get("errors"),
        "load_200_devices_p99_ms": load200.get("p99_ms"),
        "pg_ingest_ratio_vs_raw_pg": pg.get("ratio_http_to_raw_copy"),
        "pg_ingest_households_per_s": pg.get("one_process_households_per_s_median"),
        "pg_two_servers_households_per_s": pg.get("two_processes_households_per_s_median"),
        "pg_two_servers_speedup": pg.get("two_servers_speedup"),
        "load_500_devices_errors": load500.get("errors"),
        "load_500_devices_p99_ms": load500.get("p99_ms"),
        "sync_link_efficiency": link.get("sync_link_efficiency"),
        "resent_bytes_after_cut": link.get("resent_bytes_after_cut"),
        "search_p99_ms_20k": store.get("search_p99_ms"),
        "worklist_search_p99_ms_20k": (store.get("worklist") or {}).get("search_p99_ms"),
        "worklist_search_ratio_vs_like": (
            (store["worklist"]["search_p99_ms"] / store["worklist"]["anchor_like_scan_p50_ms"])
            if (store.get("worklist") or {}).get("anchor_like_scan_p50_ms") else None
        ),
        "backup_seconds_per_gb": backup.get("backup_seconds_per_gb"),
        "restore_seconds_per_gb": backup.get("restore_seconds_per_gb"),
        "backup_ratio_vs_cp_a": backup.get("backup_ratio_vs_cp"),
        "restore_ratio_vs_cp_a": backup.get("restore_ratio_vs_cp"),
        "backup_unchanged_photo_bytes_copied": backup.get("unchanged_backup_photo_bytes_copied"),
        "backup_after_100_households_photo_bytes_copied": backup.get("after_100_households_photo_bytes_copied"),
        **{key: desil.get(raw_key) for key, raw_key in DESIL_KEYS.items()},
        "app_cold_start_ms": app.get("app_cold_start_ms"),
        "app_unlock_screen_ms": app.get("app_unlock_screen_ms"),
        "app_pin_to_first_list_ms": app.get("app_pin_to_first_list_ms"),
        "app_rss_mb_20k": app.get("app_rss_mb_20k"),
        "app_rss_mb_20k_all_processes": app.get("app_rss_mb_20k_all_processes"),
        "app_pss_mb_20k_all_processes": app.get("app_pss_mb_20k_all_processes"),
        "web_bundle_bytes_compressed": web.get("web_bundle_bytes_compressed"),
        "web_photo_time_ratio_vs_native": web.get("web_photo_time_ratio_vs_native"),
        "web_photo_peak_wasm_memory_mb": web.get("web_photo_peak_wasm_memory_mb"),
        "web_unlock_ms": web.get("web_unlock_ms"),
        "web_first_load_s_1mbit": web.get("web_first_load_s_1mbit"),
        "web_cold_start_ms_offline_4x": web.get("web_cold_start_ms_offline_4x"),
        "web_pin_to_list_ms_4x": web.get("web_pin_to_list_ms_4x"),
        "web_search_p99_ms_20k": web.get("web_search_p99_ms_20k"),
        "meta": {
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "mode": "quick" if quick else "full",
            "machine": machine(),
            "versions": {
                "rustc": cmd("rustc", "--version"),
                "git": cmd("git", "rev-parse", "--short", "HEAD"),
                "vips": (photo.get("vips") or {}).get("version"),
            },
            "ingest_runs": [d.get("throughput") for d in ingests],
            "load_200": load200,
            "pg": pg if pg else pgraw,
            "load_500_pg": load500,
            "photo": photo,
            "store": {k: v for k, v in store.items() if k != "slowest_queries"},
            "link": link,
            "app": app,
            "backup": backup,
            "desil": desil,
            "web": {k: v for k, v in web.items() if k != "bundle_files"},
        },
    }
    os.makedirs(os.path.dirname(report_path) or ".", exist_ok=True)
    with open(report_path, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    render(report, md_path, quick, None)


def render(report, md_path, quick, note):
    """The generated table of docs/PERFORMANCE.md, from the report."""
    meta = report["meta"]
    link, app, backup, web, pgraw = (meta.get(k, {}) for k in ("link", "app", "backup", "web", "pg"))

    def fmt(v, digits=2):
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:.{digits}f}"
        return str(v)

    rows = [
        ("Photo time ÷ vipsthumbnail (12 MP → 1600 px)", "photo_time_ratio_vs_vips", "≤ 0.5 (issue 18; was ≤ 1.0)", lambda v: v <= 0.5),
        ("Photo bytes ÷ vipsthumbnail", "photo_bytes_ratio_vs_vips", "≤ 1.1", lambda v: v <= 1.1),
        ("Ingest over HTTP (2 devices at once) ÷ raw SQLite insert", "ingest_ratio_vs_raw_sqlite", "≥ 0.5", lambda v: v >= 0.5),
        ("Ingest, households/s (5 members each, 2 devices)", "ingest_households_per_s", "", None),
        ("… one device alone, households/s (informative)", "ingest_one_device_households_per_s", "", None),
        ("… one device alone ÷ raw SQLite insert (informative)", "ingest_one_device_ratio_vs_raw_sqlite", "", None),
        ("… ÷ raw insert of the rows the server writes (informative)", "ingest_ratio_vs_raw_server_rows", "", None),
        ("200 devices: errors", "load_200_devices_errors", "0", lambda v: v == 0),
        ("200 devices: p99 latency, ms", "load_200_devices_p99_ms", "< 1000", lambda v: v < 1000),
        ("PostgreSQL + S3: ingest over HTTP, one server process ÷ raw COPY into the same database", "pg_ingest_ratio_vs_raw_pg", "≥ 0.5", lambda v: v >= 0.5),
        ("… households/s, one server process (4 devices)", "pg_ingest_households_per_s", "", None),
        ("… households/s, two server processes (the same 4 devices)", "pg_two_servers_households_per_s", "", None),
        ("PostgreSQL + S3: two server processes ÷ one (2 cores)", "pg_two_servers_speedup", "≥ 1.6", lambda v: v >= 1.6),
        ("PostgreSQL + S3, 500 devices over two processes: errors", "load_500_devices_errors", "0", lambda v: v == 0),
        ("PostgreSQL + S3, 500 devices: p99 latency, ms", "load_500_devices_p99_ms", "< 1000", lambda v: v < 1000),
        ("1 Mbit/s link efficiency", "sync_link_efficiency", "≥ 0.9", lambda v: v >= 0.9),
        ("Bytes sent again after a cut mid-photo", "resent_bytes_after_cut", "≤ 1 chunk (262,144)", lambda v: v <= 262144),
        ("Search p99 at 20k households, ms", "search_p99_ms_20k", "≤ 10", lambda v: v <= 10),
        ("Work-list search p99 at 20k prelist assignments (page of 50), ms", "worklist_search_p99_ms_20k", "", None),
        ("… ÷ the pre-0004 LIKE query's median (same run)", "worklist_search_ratio_vs_like", "", None),
        ("Server backup, seconds per GB (20k households with photos)", "backup_seconds_per_gb", "", None),
        ("… ÷ `cp -a` of the same data directory", "backup_ratio_vs_cp_a", "≤ 3", lambda v: v <= 3),
        ("Server restore, seconds per GB", "restore_seconds_per_gb", "", None),
        ("… ÷ `cp -a` of the same data directory", "restore_ratio_vs_cp_a", "≤ 3", lambda v: v <= 3),
        ("Second backup of an unchanged server: photo bytes copied", "backup_unchanged_photo_bytes_copied", "0", lambda v: v == 0),
        ("Backup after 100 new households: photo bytes copied (= their photos)", "backup_after_100_households_photo_bytes_copied", "", None),
        ("Desil import (100,000 people, every NIK/KK checked, one transaction) ÷ raw csv + SQLite insert", "desil_import_ratio_vs_raw", "", None),
        ("… rows/s", "desil_import_rows_per_s", "", None),
        ("… peak memory growth during the import, MB (one entry per family, never the file: ~140 B per family at 300,000 rows)", "desil_import_peak_rss_growth_mb", "", None),
        ("… the file's size, MB", "desil_file_mb", "", None),
        ("App cold start to first list, ms", "app_cold_start_ms", "≤ 1000", lambda v: v <= 1000),
        ("App start: spawn to the interactive unlock screen, ms", "app_unlock_screen_ms", "", None),
        ("App start: PIN submit to the first list, ms", "app_pin_to_first_list_ms", "", None),
        ("App resident memory at 20k households (app process), MB", "app_rss_mb_20k", "≤ 150", lambda v: v <= 150),
        ("… app + WebKit web and network processes, RSS sum, MB", "app_rss_mb_20k_all_processes", "", None),
        ("… app + WebKit web and network processes, PSS sum, MB", "app_pss_mb_20k_all_processes", "", None),
        ("Web app download, brotli as served (wasm + JS + CSS + shell + region data), bytes", "web_bundle_bytes_compressed", "≤ 2,000,000", lambda v: v <= 2_000_000),
        ("Photo pipeline in Chromium (wasm, worker) ÷ native, same 12 MP JPEG", "web_photo_time_ratio_vs_native", "≤ 2.0", lambda v: v <= 2.0),
        ("… wasm memory high-water mark after the 12 MP photos, MB", "web_photo_peak_wasm_memory_mb", "", None),
        ("Web unlock: argon2id m=64 MiB t=3 p=1 + store open, in wasm, ms", "web_unlock_ms", "", None),
        ("Web app first load over 1 Mbit/s, 300 ms RTT (Chromium throttling) to the enrolment form, s", "web_first_load_s_1mbit", "≤ 20", lambda v: v <= 20),
        ("Web app cold start offline, navigation to the unlock screen, CPU throttled 4×, ms", "web_cold_start_ms_offline_4x", "≤ 1500", lambda v: v <= 1500),
        ("Web app PIN submit to the first work-list rows, 20k households, CPU 4×, ms", "web_pin_to_list_ms_4x", "≤ 2500", lambda v: v <= 2500),
        ("Web app work-list search p99 at 20k households, ms", "web_search_p99_ms_20k", "≤ 20", lambda v: v <= 20),
    ]
    lines = ([note] if note else []) + [
        f"Generated by `scripts/bench{' --quick' if quick else ''}` on {meta['date']}, "
        f"commit {meta['versions']['git']}, {meta['versions']['rustc']}, "
        f"{meta['machine']['cpus']} CPUs ({meta['machine']['model']}), "
        f"load average {', '.join(f'{x:.1f}' for x in meta['machine']['load_average_at_report'])}.",
        "",
        "| Figure | Value | Goal | Met |",
        "|---|---|---|---|",
    ]
    for label, key, goal, ok in rows:
        v = report.get(key)
        met = "" if ok is None or v is None else ("yes" if ok(v) else "**no**")
        if v is None:
            met = "not measured"
        lines.append(f"| {label} | {fmt(v)} | {goal} | {met} |")
    skipped = [
        f"- {name}: {d['skipped']}"
        for name, d in (("slow link", link), ("app", app), ("backup", backup), ("web", web), ("PostgreSQL + S3", pgraw))
        if isinstance(d, dict) and "skipped" in d
    ]
    if skipped:
        lines += ["", "Not measured in this run:"] + skipped
    table = "\n".join(lines)

    try:
        with open(md_path) as f:
            md = f.read()
    except OSError:
        md = "# Performance\n\n<!-- bench:begin -->\n<!-- bench:end -->\n"
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    if begin in md and end in md:
        head, rest = md.split(begin, 1)
        old, tail = rest.split(end, 1)
        if note:
            # A partial run keeps the notes on other partial runs written above the table.
            kept = [l for l in old.strip().splitlines() if l.startswith("(") and not l.startswith("(The Web rows")]
            table = "\n".join(kept + [table])
        md = f"{head}{begin}\n{table}\n{end}{tail}"
    else:
        md += f"\n{begin}\n{table}\n{end}\n"
    with open(md_path, "w") as f:
        f.write(md)


if __name__ == "__main__":
    main()
