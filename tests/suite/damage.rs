//! Damage to sled's files, and a full disk at open. sled (`db/`) is only the
//! projection of the journals: whatever happens to it, opening the data dir (or
//! `pingshen recover`) must give back every grade and note that was reported saved,
//! and a database that had to be rebuilt is moved aside (`db.damaged-…`), never
//! deleted.
//!
//! The fixture is made with the real binary: three inspections graded with
//! `grade --batch` (what it printed `已保存` for is what must survive), one note large
//! enough that sled keeps it in a blob file, and a start that takes the backups. Each
//! trial copies it, damages `db/` one way, chosen by a seeded generator, and opens it.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use pingshen::scoring::Grade;
use pingshen::store::Store;

use crate::crash::{
    Rng, Stored, cli, json_grade, new_inspection, no_panic, pingshen, run, show, shown, with_env,
};

const TRIALS: usize = 100;

/// Whether opening heals an inspection whose sled blob file is gone (it does: a read
/// that sled fails rebuilds that inspection from its journal; see
/// `a_missing_sled_blob_is_healed_on_open`). A trial that deletes blobs is followed by
/// an open as any other.
const OPEN_HEALS_MISSING_BLOBS: bool = true;

/// Inspection -> item -> what was reported saved last.
type Expected = BTreeMap<String, BTreeMap<String, Stored>>;

/// Grades `lines` (`item`, grade letter, note) with `grade --batch`; every line must be
/// reported saved, and goes into `expected`.
fn batch(data: &Path, id: &str, lines: &[(String, &str, String)], expected: &mut Expected) {
    let mut input = String::new();
    for (item, g, note) in lines {
        input.push_str(&format!("{item}\t{g}\t{}\n", note.replace('\n', "\\n")));
    }
    let mut cmd = pingshen(data);
    cmd.args(["grade", id, "--batch"]);
    let out = run(cmd, input.as_bytes(), "grade --batch");
    assert!(out.status.success(), "grade --batch: {}", shown(&out));
    let said: Vec<String> = String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(said.len(), lines.len(), "{}", shown(&out));
    for ((item, g, note), line) in lines.iter().zip(&said) {
        let g = Grade::parse(g).unwrap();
        assert_eq!(line, &format!("已保存\t{item}\t{}", g.label()));
        expected.entry(id.to_string()).or_default().insert(
            item.clone(),
            Stored {
                grade: Some(json_grade(g)),
                note: note.clone(),
            },
        );
    }
}

/// The fixture: a data dir, and what was reported saved in it.
fn fixture(root: &Path) -> (PathBuf, Expected) {
    let data = root.join("fixture");
    let items = crate::crash::township_items();
    let mut expected = Expected::new();
    let letters = ["A", "B", "C", "D"];
    for (n, name) in ["青山镇卫生院", "石桥镇卫生院", "渡头桥镇中心卫生院"]
        .iter()
        .enumerate()
    {
        let id = new_inspection(&data, name, &format!("2026-11-2{n}"));
        let first: Vec<(String, &str, String)> = (0..20)
            .map(|k| {
                let note = match k % 4 {
                    0 => format!("{name} 第{k}条：现场查看，资料齐全"),
                    1 => format!("抽查病历10份\n第二行 {k}"),
                    2 => String::new(),
                    _ => "记录".repeat(200 + k),
                };
                (items[k * 3 + n].clone(), letters[(k + n) % 4], note)
            })
            .collect();
        batch(&data, &id, &first, &mut expected);
        // Some items graded again: only the last value counts.
        let again: Vec<(String, &str, String)> = (0..20)
            .step_by(3)
            .map(|k| {
                (
                    items[k * 3 + n].clone(),
                    letters[(k + n + 1) % 4],
                    format!("复核后改为 {k}"),
                )
            })
            .collect();
        batch(&data, &id, &again, &mut expected);
        if n == 1 {
            // Larger than a quarter of sled's 512 KiB segment even deflated (sheets are
            // kept deflated): sled writes it to a blob. Han characters in no order.
            let mut x: u32 = 12345;
            let mut noise = |n: usize| -> String {
                (0..n)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        char::from_u32(0x4E00 + x % 20_000).unwrap()
                    })
                    .collect()
            };
            let big = vec![
                (items[100].clone(), "B", noise(70_000)),
                (items[101].clone(), "C", noise(70_000)),
            ];
            batch(&data, &id, &big, &mut expected);
        }
    }
    // A start settles it: the backups are taken.
    let out = cli(&data, &["list"]);
    assert!(out.status.success(), "{}", shown(&out));
    let blobs = files(&data.join("db").join("blobs"));
    assert!(!blobs.is_empty(), "the fixture should have a sled blob");
    (data, expected)
}

/// Every regular file under `dir`, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.is_file() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Where the bytes that matter end: after the last byte that is not zero (sled's log
/// file is mostly zeros past what was written).
fn used_len(bytes: &[u8]) -> usize {
    bytes.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1)
}

/// A position in a file of `len` bytes of which the first `used` matter: half the
/// time among those.
fn position(rng: &mut Rng, len: usize, used: usize) -> usize {
    if used > 0 && rng.below(2) == 0 {
        rng.below(used as u64) as usize
    } else {
        rng.below(len.max(1) as u64) as usize
    }
}

/// Damages `db` one way; says which (a kind, and what exactly).
fn damage(rng: &mut Rng, db: &Path) -> (&'static str, String) {
    let all = files(db);
    let name = |p: &Path| p.strip_prefix(db).unwrap().display().to_string();
    let pick = |rng: &mut Rng| all[rng.below(all.len() as u64) as usize].clone();
    match rng.below(6) {
        0 => {
            let f = pick(rng);
            let mut bytes = fs::read(&f).unwrap();
            if bytes.is_empty() {
                return ("flip", format!("flip: {} is empty, left alone", name(&f)));
            }
            let used = used_len(&bytes);
            let mut at = Vec::new();
            if rng.below(2) == 0 {
                // A few bytes here and there.
                for _ in 0..1 + rng.below(8) {
                    at.push(position(rng, bytes.len(), used));
                }
            } else {
                // A run of up to 64 bytes.
                let start = position(rng, bytes.len(), used);
                let end = (start + 1 + rng.below(64) as usize).min(bytes.len());
                at.extend(start..end);
            }
            for &i in &at {
                bytes[i] ^= 1 + rng.below(255) as u8;
            }
            fs::write(&f, &bytes).unwrap();
            let what = format!(
                "flip {} byte(s) of {} ({} bytes, {used} used) at {:?}",
                at.len(),
                name(&f),
                bytes.len(),
                &at[..at.len().min(8)]
            );
            ("flip", what)
        }
        1 => {
            let f = pick(rng);
            let bytes = fs::read(&f).unwrap();
            let to = position(rng, bytes.len(), used_len(&bytes));
            fs::OpenOptions::new()
                .write(true)
                .open(&f)
                .unwrap()
                .set_len(to as u64)
                .unwrap();
            let what = format!("truncate {} from {} to {to} bytes", name(&f), bytes.len());
            ("truncate", what)
        }
        2 => {
            let f = pick(rng);
            fs::remove_file(&f).unwrap();
            let kind = if f.starts_with(db.join("blobs")) {
                "delete-blobs"
            } else {
                "delete-file"
            };
            (kind, format!("delete {}", name(&f)))
        }
        3 => {
            let blobs = files(&db.join("blobs"));
            if rng.below(2) == 0 {
                for b in &blobs {
                    fs::remove_file(b).unwrap();
                }
                (
                    "delete-blobs",
                    format!("delete every blob ({})", blobs.len()),
                )
            } else {
                let b = &blobs[rng.below(blobs.len() as u64) as usize];
                fs::remove_file(b).unwrap();
                ("delete-blobs", format!("delete blob {}", name(b)))
            }
        }
        4 => {
            fs::remove_dir_all(db).unwrap();
            ("delete-db", "delete db/".to_string())
        }
        _ => {
            // What a full disk at open leaves: sled's next snapshot created, not written.
            let lsn = all
                .iter()
                .filter_map(|p| {
                    let n = p.file_name()?.to_str()?.strip_prefix("snap.")?;
                    u64::from_str_radix(n, 16).ok()
                })
                .max()
                .unwrap_or(0);
            let next = lsn + rng.below(4096);
            let f = db.join(format!("snap.{next:016X}.generating"));
            fs::write(&f, b"").unwrap();
            let what = format!("empty {} (the last snapshot is {lsn:016X})", name(&f));
            ("generating", what)
        }
    }
}

/// How the damaged dir is opened.
#[derive(Debug, Clone, Copy)]
enum Open {
    /// `pingshen list`, then `pingshen show` of each inspection.
    Cli,
    /// `Store::open` and the reads `show` makes, in this process.
    InProcess,
    /// `pingshen recover`, then `pingshen show` of each inspection.
    Recover,
}

/// What a trial found wrong, if anything; and whether the store was rebuilt.
/// Opens or recovers and checks every change reported saved. Returns whether the
/// database was rebuilt when opened, and whether a later command rebuilt it (a damage
/// sled cannot repair in place is answered from the journal, then rebuilt on the next
/// open, which says so).
fn open_and_check(data: &Path, how: Open, expected: &Expected) -> Result<(bool, bool), String> {
    let mut rebuilt = false;
    let mut later = false;
    match how {
        Open::Cli | Open::Recover => {
            let verb = if matches!(how, Open::Cli) {
                "list"
            } else {
                "recover"
            };
            let out = cli(data, &[verb]);
            no_panic(&out, "list/recover");
            if !out.status.success() {
                return Err(format!("{how:?} failed: {}", shown(&out)));
            }
            let said = String::from_utf8_lossy(&out.stderr).into_owned()
                + &String::from_utf8_lossy(&out.stdout);
            rebuilt = matches!(how, Open::Recover) || said.contains("数据库无法打开");
            for (id, want) in expected {
                let (out, got) = show(data, id);
                // A damage sled cannot repair in place (a value's own file gone) is
                // answered from the journal and rebuilt on the next open, which says so.
                later |= String::from_utf8_lossy(&out.stderr).contains("从日志重建");
                let got = got.ok_or_else(|| format!("show {id} failed: {}", shown(&out)))?;
                compare(id, want, &got)?;
            }
        }
        Open::InProcess => {
            let store = Store::open(data).map_err(|e| format!("Store::open: {e}"))?;
            if let Some(w) = store.take_warning() {
                rebuilt = w.contains("数据库无法打开");
            }
            for (id, want) in expected {
                store.get(id).map_err(|e| format!("get {id}: {e}"))?;
                let got = store
                    .assessments(id)
                    .map_err(|e| format!("assessments {id}: {e}"))?
                    .into_iter()
                    .map(|(item, a)| {
                        let grade = a.grade.map(json_grade);
                        (
                            item,
                            Stored {
                                grade,
                                note: a.note,
                            },
                        )
                    })
                    .collect();
                compare(id, want, &got)?;
            }
            let listed = store.list().map_err(|e| format!("list: {e}"))?;
            if listed.len() != expected.len() {
                return Err(format!("list has {} inspections", listed.len()));
            }
        }
    }
    Ok((rebuilt, later))
}

fn compare(
    id: &str,
    want: &BTreeMap<String, Stored>,
    got: &BTreeMap<String, Stored>,
) -> Result<(), String> {
    for (item, w) in want {
        if got.get(item) != Some(w) {
            return Err(format!(
                "{id} {item}: reported saved as {:?} with a note of {} bytes, stored {:?}",
                w.grade,
                w.note.len(),
                got.get(item).map(|g| (&g.grade, g.note.len()))
            ));
        }
    }
    Ok(())
}

/// The `db.damaged-*` dirs of a data dir.
fn moved_aside(data: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(data)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("db.damaged-"))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

#[test]
fn every_change_reported_saved_survives_damage_to_sled() {
    let root = tempfile::tempdir().unwrap();
    let (fixture, expected) = fixture(root.path());
    let mut rng = Rng::seeded("every_change_reported_saved_survives_damage_to_sled");
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut altered = 0;
    for trial in 0..TRIALS {
        let data = root.path().join(format!("trial-{trial}"));
        copy_dir(&fixture, &data);
        let db = data.join("db");
        let (kind, what) = damage(&mut rng, &db);
        let existed = db.exists();
        let damaged: BTreeMap<String, Vec<u8>> = files(&db)
            .into_iter()
            .map(|p| {
                let bytes = fs::read(&p).unwrap();
                (p.strip_prefix(&db).unwrap().display().to_string(), bytes)
            })
            .collect();
        let mut how = [Open::Cli, Open::InProcess, Open::Recover][rng.below(3) as usize];
        if kind == "delete-blobs" && !OPEN_HEALS_MISSING_BLOBS {
            how = Open::Recover;
        }
        match open_and_check(&data, how, &expected) {
            Ok((rebuilt, later)) => {
                *counts
                    .entry(format!(
                        "{kind}/{how:?}/{}",
                        if rebuilt { "rebuilt" } else { "opened" }
                    ))
                    .or_default() += 1;
                let aside = moved_aside(&data);
                if rebuilt && existed {
                    // The damaged files were moved aside whole, not deleted.
                    let Some(dir) = aside.last() else {
                        failures.push(format!(
                            "trial {trial} ({what}, {how:?}): rebuilt, but no db.damaged-* dir"
                        ));
                        continue;
                    };
                    // Every file is there. sled's own failed open may have written to
                    // one first (it zeroes the rest of its last log segment before it
                    // reads on), so the bytes are compared only to count that.
                    for (name, bytes) in &damaged {
                        match fs::read(dir.join(name)) {
                            Ok(kept) => altered += usize::from(&kept != bytes),
                            Err(e) => failures.push(format!(
                                "trial {trial} ({what}, {how:?}): {name} is not in {} ({e})",
                                dir.display()
                            )),
                        }
                    }
                }
                if !rebuilt && !later && !aside.is_empty() {
                    failures.push(format!(
                        "trial {trial} ({what}, {how:?}): moved aside without saying so"
                    ));
                }
            }
            Err(e) => {
                // Does recover at least give everything back?
                let after = open_and_check(&data, Open::Recover, &expected).map_or_else(
                    |e| format!("recover did not help: {e}"),
                    |_| "recover then gave everything back".to_string(),
                );
                failures.push(format!("trial {trial} ({what}, {how:?}): {e}\n  {after}"));
            }
        }
        fs::remove_dir_all(&data).unwrap();
    }
    eprintln!(
        "{TRIALS} damages in {:.1} s ({altered} files moved aside had been written by \
         sled's failed open): {counts:?}",
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} of {TRIALS} damages lost or hid changes reported saved:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every inspection of `expected` as `pingshen show` gives it, compared; panics naming
/// what differs.
fn all_there(data: &Path, expected: &Expected, what: &str) {
    for (id, want) in expected {
        let (out, got) = show(data, id);
        let got = got.unwrap_or_else(|| panic!("{what}: show {id} fails: {}", shown(&out)));
        if let Err(e) = compare(id, want, &got) {
            panic!("{what}: {e}");
        }
    }
}

/// The last snapshot sled wrote in `db`: its log sequence number.
fn snapshot_lsn(db: &Path) -> u64 {
    files(db)
        .iter()
        .filter_map(|p| {
            let n = p.file_name()?.to_str()?.strip_prefix("snap.")?;
            u64::from_str_radix(n, 16).ok()
        })
        .max()
        .expect("sled wrote a snapshot")
}

/// sled 0.34 writes a snapshot at open to `snap.<lsn>.generating`, then renames it; on
/// a full disk the file stays, empty, and sled refuses to open on it ("corrupted").
/// The store must open anyway: rebuilt from the journals, the old db moved aside with
/// the empty file in it. An empty file named before the last snapshot is ignored by
/// sled, and nothing is rebuilt.
#[test]
fn an_empty_generating_snapshot_left_by_a_full_disk_is_rebuilt_on_open() {
    let root = tempfile::tempdir().unwrap();
    let (fixture, expected) = fixture(root.path());
    let lsn = snapshot_lsn(&fixture.join("db"));
    for (n, at, rebuilt) in [(0, lsn, true), (1, lsn + 0x2a, true), (2, lsn - 1, false)] {
        let data = root.path().join(format!("case-{n}"));
        copy_dir(&fixture, &data);
        let name = format!("snap.{at:016X}.generating");
        fs::write(data.join("db").join(&name), b"").unwrap();
        let out = cli(&data, &["list"]);
        no_panic(&out, "list");
        assert!(out.status.success(), "{name}: {}", shown(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.contains("数据库无法打开"), rebuilt, "{name}: {err}");
        let aside = moved_aside(&data);
        if rebuilt {
            assert_eq!(aside.len(), 1, "{name}: {aside:?}");
            assert!(aside[0].join(&name).exists(), "{name} moved aside with db/");
            for f in files(&fixture.join("db")) {
                let rel = f.strip_prefix(fixture.join("db")).unwrap();
                assert!(aside[0].join(rel).exists(), "{} kept", rel.display());
            }
        } else {
            assert!(aside.is_empty(), "{name}: {aside:?}");
        }
        all_there(&data, &expected, &name);
    }
}

/// A full disk at open, as honestly as a test can make one: a small tmpfs (mounted in
/// a private user and mount namespace, `unshare -r -m`, as the read-only test does)
/// holding the data dir, filled to the last page. `pingshen list` then fails with the
/// disk-full message — sled's snapshot at open cannot be written, and the empty
/// `snap.*.generating` stays. With the space freed, the store opens (rebuilt from the
/// journals, the old db moved aside) and every change reported saved is there.
#[test]
fn a_full_disk_at_open_loses_nothing() {
    let root = tempfile::tempdir().unwrap();
    let (fixture, expected) = fixture(root.path());
    let mnt = root.path().join("mnt");
    let out_dir = root.path().join("out");
    fs::create_dir_all(&mnt).unwrap();
    fs::create_dir_all(&out_dir).unwrap();
    let mut shows = String::new();
    for id in expected.keys() {
        shows.push_str(&format!(
            "\"$BIN\" show {id} --json > \"$OUT/show-{id}.json\" 2>> \"$OUT/show.err\"\n"
        ));
    }
    // The copy is not sparse: sled's log file has its pages already, so the first
    // write that needs a new page is the snapshot's.
    let script = format!(
        r#"set -u
mount -t tmpfs -o size=8m tmpfs "$MNT" || exit 90
cp -a --sparse=never "$FIXTURE" "$MNT/data" || exit 91
dd if=/dev/zero of="$MNT/filler" bs=4096 2>/dev/null
export PINGSHEN_DATA_DIR="$MNT/data"
"$BIN" list > "$OUT/full.out" 2> "$OUT/full.err"; echo $? > "$OUT/full.rc"
ls -a "$MNT/data/db" > "$OUT/db-when-full.txt"
find "$MNT/data/db" -name '*.generating' -size 0 > "$OUT/generating.txt"
rm "$MNT/filler"
"$BIN" list > "$OUT/after.out" 2> "$OUT/after.err"; echo $? > "$OUT/after.rc"
{shows}ls "$MNT/data" > "$OUT/data.txt"
for d in "$MNT"/data/db.damaged-*; do ls -a "$d"; done > "$OUT/aside.txt"
"#
    );
    let mut unshare = with_env(Command::new("unshare"), &fixture);
    unshare
        .args(["-r", "-m", "bash", "-c", &script])
        .env("MNT", &mnt)
        .env("FIXTURE", &fixture)
        .env("OUT", &out_dir);
    let out = run(unshare, b"", "unshare");
    assert!(
        out.status.success(),
        "unshare -r -m (util-linux) with a tmpfs: {}",
        shown(&out)
    );
    let read = |name: &str| fs::read_to_string(out_dir.join(name)).unwrap_or_default();
    assert_eq!(read("full.rc").trim(), "1", "full: {}", read("full.err"));
    assert!(
        read("full.err").contains("磁盘已满"),
        "{}",
        read("full.err")
    );
    assert!(
        !read("full.err").contains("panicked"),
        "{}",
        read("full.err")
    );
    let generating = read("generating.txt");
    assert!(
        !generating.trim().is_empty(),
        "the full disk should have stopped sled's snapshot at open: {}",
        read("db-when-full.txt")
    );
    assert_eq!(read("after.rc").trim(), "0", "after: {}", read("after.err"));
    assert!(
        read("after.err").contains("数据库无法打开"),
        "{}",
        read("after.err")
    );
    let name = Path::new(generating.lines().next().unwrap().trim())
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        read("aside.txt").lines().any(|l| l == name),
        "the old db, with {name}, moved aside: {}\n{}",
        read("aside.txt"),
        read("data.txt")
    );
    for (id, want) in &expected {
        let got = crate::crash::assessments_of(
            &fs::read(out_dir.join(format!("show-{id}.json"))).unwrap(),
        )
        .unwrap_or_else(|e| panic!("show {id} ({e}): {}", read("show.err")));
        compare(id, want, &got).unwrap();
    }
}

/// A file-size limit (`ulimit -f`) at open: sled cannot write its log file past the
/// limit (it zeroes the rest of its last segment at open), so `pingshen list` and
/// `grade --batch` stop with the disk-full message — or, above sled's needs, work.
/// With the limit lifted everything reported saved is there, under the limit or before.
#[test]
fn a_file_size_limit_at_open_loses_nothing() {
    let root = tempfile::tempdir().unwrap();
    let (fixture, expected) = fixture(root.path());
    let items = crate::crash::township_items();
    let id = expected.keys().next().unwrap().clone();
    let mut refused = 0;
    for (n, kib) in [0u64, 1, 8, 64, 256, 511, 4096].into_iter().enumerate() {
        let data = root.path().join(format!("limit-{kib}"));
        copy_dir(&fixture, &data);
        let limited = |args: &str, input: &[u8]| {
            let mut sh = with_env(Command::new("bash"), &data);
            sh.args([
                "-c",
                &format!("trap '' XFSZ; ulimit -f {kib}; exec \"$BIN\" {args}"),
            ]);
            let out = run(sh, input, args);
            no_panic(&out, args);
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            assert!(
                out.status.success() || err.contains("磁盘已满或超出文件大小限制"),
                "ulimit -f {kib}; pingshen {args}: {}",
                shown(&out)
            );
            out
        };
        let out = limited("list", b"");
        refused += usize::from(!out.status.success());
        let item = &items[110 + n];
        let line = format!("{item}\tC\t限制 {kib} KiB 时写的\n");
        let out = limited(&format!("grade {id} --batch"), line.as_bytes());
        let mut want = expected.clone();
        if String::from_utf8_lossy(&out.stdout).contains(&format!("已保存\t{item}\tC")) {
            want.get_mut(&id).unwrap().insert(
                item.clone(),
                Stored {
                    grade: Some("C".into()),
                    note: format!("限制 {kib} KiB 时写的"),
                },
            );
        }
        let out = cli(&data, &["list"]);
        assert!(
            out.status.success(),
            "after ulimit -f {kib}: {}",
            shown(&out)
        );
        all_there(&data, &want, &format!("after ulimit -f {kib}"));
        if kib == 4096 {
            assert!(
                want[&id].contains_key(item),
                "under a limit above sled's needs the grade is saved"
            );
        }
    }
    assert!(refused >= 3, "the small limits should have stopped sled");
}

/// Found by the random damage test: sled keeps a value over 128 KiB (a long note) in a
/// file of its own, `db/blobs/<lsn>`. With that file gone, sled still opens and `list`
/// works, but every read of that inspection failed ("读取数据库失败：IO error: No such
/// file or directory") until `pingshen recover`. The journal has it all: a read that
/// sled fails now rebuilds the inspection from it.
#[test]
fn a_missing_sled_blob_is_healed_on_open() {
    let root = tempfile::tempdir().unwrap();
    let (data, expected) = fixture(root.path());
    for b in files(&data.join("db").join("blobs")) {
        fs::remove_file(b).unwrap();
    }
    all_there(&data, &expected, "blobs deleted");
}

/// Found by this test: a journal write cut exactly before its final newline (a short
/// write: a full disk, a file-size limit, a kill or a power cut at that byte) leaves a
/// complete last line without its `\n`. Reading took it as an entry, the next entry
/// named it as parent, and the next append cut it off: the chain broke and the whole
/// inspection became unreadable. A last line without its newline is now never an entry
/// (every entry is written with it before it is synced and reported saved). Reproduced
/// exactly with `ulimit -f`: the journal is made longer than sled's 512 KiB segment so
/// that sled's writes fit under the limit.
#[test]
fn a_journal_write_cut_before_its_newline_loses_nothing() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let id = new_inspection(&data, "青山镇卫生院", "2026-11-23");
    let batch_in = |data: &Path, input: String, limit: Option<u64>| {
        let mut sh = with_env(Command::new("bash"), data);
        let limit = limit.map_or(String::new(), |k| format!("ulimit -f {k}; "));
        sh.args([
            "-c",
            &format!("trap '' XFSZ; {limit}exec \"$BIN\" grade {id} --batch"),
        ]);
        run(sh, input.as_bytes(), "grade --batch")
    };
    let big: String = (1..=2)
        .map(|i| format!("1.1.1\tA\t{i}{}\n", "y".repeat(200_000)))
        .collect();
    assert!(batch_in(&data, big, None).status.success());
    let out = batch_in(&data, "1.2.1\tB\t已确认的评分\n".into(), None);
    assert!(String::from_utf8_lossy(&out.stdout).contains("已保存\t1.2.1\tB"));
    assert!(cli(&data, &["list"]).status.success());

    // How many bytes the next line appends, measured on a copy.
    let journal = data.join("journals").join(format!("{id}.jsonl"));
    let s = fs::metadata(&journal).unwrap().len();
    let probe = root.path().join("probe");
    copy_dir(&data, &probe);
    assert!(
        batch_in(&probe, "1.1.2\tB\txxxxxxxxxx\n".into(), None)
            .status
            .success()
    );
    let a0 = fs::metadata(probe.join("journals").join(format!("{id}.jsonl")))
        .unwrap()
        .len()
        - s;
    // A limit that falls exactly on the newline ending the line.
    let kib = (s + a0 + 200) / 1024 + 1;
    let note = "x".repeat((kib * 1024 + 1 - s - a0 + 10) as usize);
    let out = batch_in(&data, format!("1.1.2\tB\t{note}\n"), Some(kib));
    assert!(!out.status.success(), "{}", shown(&out));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("已保存"));
    let bytes = fs::read(&journal).unwrap();
    assert_eq!(bytes.len() as u64, kib * 1024);
    assert_ne!(bytes.last(), Some(&b'\n'), "cut just before the newline");

    // The limit lifted: one more grade, reported saved.
    let out = batch_in(&data, "1.1.3\tC\t已确认的第二条\n".into(), None);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("已保存\t1.1.3\tC"),
        "{}",
        shown(&out)
    );
    // Rebuilt from the journal, as after a kill before sled caught up.
    let out = cli(&data, &["recover"]);
    assert!(out.status.success(), "recover: {}", shown(&out));
    let (out, got) = show(&data, &id);
    let got = got.unwrap_or_else(|| panic!("show after recover: {}", shown(&out)));
    for (item, grade, note) in [
        ("1.2.1", "B", "已确认的评分"),
        ("1.1.3", "C", "已确认的第二条"),
    ] {
        assert_eq!(
            got.get(item),
            Some(&Stored {
                grade: Some(grade.into()),
                note: note.into()
            }),
            "{item}"
        );
    }
    let out = cli(&data, &["verify"]);
    assert!(out.status.success(), "verify: {}", shown(&out));
}
