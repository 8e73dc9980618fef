//! Files from other laptops and typed values are hostile until checked. One test per
//! finding of the review that tried pingshen as a hostile or careless user would:
//! each reproduces the finding and shows the harm no longer happens.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;
use pingshen::scoring::Grade;
use pingshen::store::{
    Assessment, Change, Conflict, Evidence, Export, HistoryEntry, Store, write_export,
};

fn pingshen(data: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CHECKLIST_DIR", data.join("no-user-checklists"));
    c
}

/// `program` (pingshen itself, or a shell that runs it) with the environment naming
/// `data` as the data dir.
fn process(program: impl AsRef<std::ffi::OsStr>, data: &Path) -> Process {
    let mut p = Process::new(program);
    p.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CHECKLIST_DIR", data.join("none"));
    p
}

/// A data dir with one graded inspection, and its export.
fn fixture(root: &Path) -> (PathBuf, String, Export) {
    let data = root.join("data");
    let (store, insp) = common::store_with_inspection(&data, "community-2022");
    for (item, g) in [
        ("1.1.1", Grade::B),
        ("1.1.2", Grade::D),
        ("1.2.1", Grade::A),
    ] {
        store
            .update(
                &insp.id,
                item,
                &[
                    Change::Grade(Some(g)),
                    Change::Note(format!("{item} 现场查看")),
                ],
                "张三",
            )
            .unwrap();
    }
    let export = store.export(&insp.id).unwrap();
    (data, insp.id, export)
}

/// Every file under `dir` with its bytes, for "nothing changed" checks.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    out
}

fn write(root: &Path, name: &str, export: &Export) -> PathBuf {
    let path = root.join(name);
    write_export(export, &path).unwrap();
    path
}

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

fn stdout_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

/// Imports `file` and expects a refusal that names `why` and leaves `data` as it was.
fn refused(data: &Path, file: &Path, why: &str) {
    let before = snapshot(data);
    for args in [vec!["import"], vec!["import", "--replace"], vec!["merge"]] {
        let a = pingshen(data)
            .args(&args)
            .arg(file)
            .assert()
            .failure()
            .code(1);
        let err = stderr_of(&a);
        assert!(err.contains(why), "{args:?}: {err}");
        assert!(err.contains("未被接受"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(before, snapshot(data), "{args:?} changed the data dir");
    }
}

// 1. Path traversal: an id that is a path must never become one.
#[test]
fn an_export_whose_id_is_a_path_is_refused_and_nothing_outside_is_touched() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, export) = fixture(root.path());
    let victim = root.path().join("victim");
    std::fs::create_dir_all(&victim).unwrap();
    for n in 0..12 {
        std::fs::write(victim.join(format!("{n:02}.json")), "keep").unwrap();
    }
    let victim_before = snapshot(&victim);
    for id in [
        victim.display().to_string(),
        "../victim".to_string(),
        "../../victim".to_string(),
        "..".to_string(),
    ] {
        let mut bad = export.clone();
        bad.inspection.id = id;
        let file = write(root.path(), "bad.json", &bad);
        refused(&data, &file, "不是 pingshen 的编号格式");
    }
    // The next start (backups) and a delete touch nothing outside the data dir.
    pingshen(&data).arg("list").assert().success();
    assert_eq!(victim_before, snapshot(&victim));
}

// 2. Key injection: an id with a NUL would read another inspection's records.
#[test]
fn ids_with_nul_are_refused_at_the_gate_and_on_the_command_line() {
    let root = tempfile::tempdir().unwrap();
    let (data, id, export) = fixture(root.path());
    for bad_id in [format!("{id}\0x"), "\0".to_string(), String::new()] {
        let mut bad = export.clone();
        bad.inspection.id = bad_id;
        bad.assessments
            .iter_mut()
            .for_each(|a| a.grade = Some(Grade::A));
        let file = write(root.path(), "bad.json", &bad);
        refused(&data, &file, "不是 pingshen 的编号格式");
    }
    // The real inspection still shows its own grades.
    let a = pingshen(&data)
        .args(["show", &id, "--json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&a)).unwrap();
    assert_eq!(v["assessments"]["1.1.2"]["grade"], "D");
    // A typed id with a NUL or a path names nothing, and says so.
    let a = pingshen(&data).args(["show", "../x"]).assert().failure();
    assert!(stderr_of(&a).contains("找不到编号"), "{}", stderr_of(&a));
}

// 3. Panics from a file: a conflict with no versions; versions superseding each other.
#[test]
fn a_conflict_without_two_versions_is_refused_and_nothing_panics() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, export) = fixture(root.path());
    for candidates in [Vec::new(), vec![export.assessments[0].clone()]] {
        let mut bad = export.clone();
        bad.conflicts = vec![Conflict {
            item_id: "1.1.1".into(),
            candidates,
        }];
        let file = write(root.path(), "bad.json", &bad);
        refused(&data, &file, "冲突至少要有两个不同的版本");
    }
    // A version of another item hidden in a conflict.
    let mut bad = export.clone();
    let mut other = export.assessments[1].clone();
    other.item_id = "1.1.2".into();
    bad.conflicts = vec![Conflict {
        item_id: "1.1.1".into(),
        candidates: vec![export.assessments[0].clone(), other],
    }];
    let file = write(root.path(), "bad.json", &bad);
    refused(&data, &file, "混有条款");
}

#[test]
fn versions_that_supersede_each_other_merge_without_a_panic() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, export) = fixture(root.path());
    let mut one = export.clone();
    let mut two = export.clone();
    let a = &mut one.assessments[0];
    let b = &mut two.assessments[0];
    b.grade = Some(Grade::C);
    b.at = "2026-11-23T10:00:00.000+08:00".into();
    a.supersedes = vec![b.at.clone()];
    b.supersedes = vec![a.at.clone()];
    let f1 = write(root.path(), "one.json", &one);
    let f2 = write(root.path(), "two.json", &two);
    let out = pingshen(&data)
        .args(["merge"])
        .arg(&f1)
        .arg(&f2)
        .assert()
        .success();
    assert!(
        stdout_of(&out).contains("评分不一致"),
        "{}",
        stdout_of(&out)
    );
}

// 4. Unchecked content: unknown items, 不适用 where not allowed, wrapping seq numbers.
#[test]
fn grades_the_checklist_does_not_allow_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, export) = fixture(root.path());

    let mut unknown = export.clone();
    unknown.assessments.push(Assessment {
        item_id: "9.9.9".into(),
        ..export.assessments[0].clone()
    });
    let file = write(root.path(), "bad.json", &unknown);
    refused(&data, &file, "条款「9.9.9」不在检查使用的清单中");

    let mut twice = export.clone();
    twice.assessments.push(export.assessments[0].clone());
    let file = write(root.path(), "bad.json", &twice);
    refused(&data, &file, "出现了不止一次");

    // 1.1.1 of the community checklist does not allow 不适用.
    let mut na = export.clone();
    na.assessments[0].grade = Some(Grade::NotApplicable);
    let file = write(root.path(), "bad.json", &na);
    refused(&data, &file, "清单不允许该条款不适用");

    let mut wrap = export.clone();
    let last = wrap.history.last().unwrap().clone();
    wrap.history.push(HistoryEntry {
        seq: u64::MAX,
        ..last
    });
    let file = write(root.path(), "bad.json", &wrap);
    refused(&data, &file, "历史记录的序号不连贯");

    let mut backwards = export.clone();
    backwards.history.reverse();
    let file = write(root.path(), "bad.json", &backwards);
    refused(&data, &file, "历史记录的序号不连贯");
}

// 5. No size limits: a 60 MB export is refused before it is read.
#[test]
fn an_export_over_the_size_limit_is_refused_unread() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, export) = fixture(root.path());
    let file = write(root.path(), "big.json", &export);
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    f.set_len(60 * 1024 * 1024).unwrap();
    let before = snapshot(&data);
    for cmd in ["import", "merge"] {
        let a = pingshen(&data).arg(cmd).arg(&file).assert().failure();
        let err = stderr_of(&a);
        assert!(err.contains("太大（60 MB，上限 50 MB）"), "{err}");
    }
    assert_eq!(before, snapshot(&data));

    // A note over the limit is refused with a message, and the item keeps its note.
    let mut long = export.clone();
    long.assessments[0].note = "长".repeat(100 * 1024);
    let file = write(root.path(), "long.json", &long);
    refused(&data, &file, "备注超过 256 KB");
}

// 6. Terminal injection: nothing typed or imported reaches the terminal raw.
#[test]
fn control_and_bidi_characters_never_reach_the_terminal() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let evil = "和平里\u{1b}]0;pwned\u{7}中心\u{202e}ftp.exe";
    let a = pingshen(&data)
        .args([
            "new",
            "--checklist",
            "community-2022",
            "--institution",
            evil,
            "--region",
            "东城区\u{1b}[2J",
            "--inspector",
            "张三\u{1b}[31m",
            "--head",
            "王\u{9b}五",
            "--date",
            "2026-11-23",
        ])
        .assert()
        .success();
    let id = stdout_of(&a).trim().to_string();
    pingshen(&data)
        .args(["grade", &id, "1.1.1", "D", "--note", "记录\u{1b}[8m隐藏"])
        .assert()
        .success();
    let outputs = [
        vec!["show", id.as_str()],
        vec!["show", id.as_str(), "--json"],
        vec!["list"],
        vec!["list", "--json"],
        vec!["history", id.as_str()],
        vec!["roster"],
        vec!["roster", "--format", "csv"],
    ];
    for args in outputs {
        let a = pingshen(&data).args(&args).assert().success();
        let out = a.get_output();
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(
                !text.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']),
                "{args:?}: {text:?}"
            );
        }
        if args[0] != "history" {
            assert!(
                String::from_utf8_lossy(&out.stdout).contains("和平里"),
                "{args:?}"
            );
        }
    }
    // An error message quoting what was typed escapes it.
    let a = pingshen(&data)
        .args(["show", "\u{1b}]0;x\u{7}"])
        .assert()
        .failure();
    let err = stderr_of(&a);
    assert!(err.contains("\\u{1b}]0;x\\u{7}"), "{err:?}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

// 13. Import skips the cleaning that typed input gets: no longer.
#[test]
fn imported_text_is_cleaned_like_typed_text() {
    let root = tempfile::tempdir().unwrap();
    let (data, id, mut export) = fixture(root.path());
    export.inspection.institution.name = "东城\u{1b}]0;x\u{7}中心\u{202e}".into();
    export.assessments[0].note = "发现\u{1b}[2J问题\r\n第二行\u{202e}".into();
    export.history[0].by = "张三\u{1b}[31m".into();
    let other = tempfile::tempdir().unwrap();
    let file = write(root.path(), "dirty.json", &export);
    pingshen(other.path())
        .arg("import")
        .arg(&file)
        .assert()
        .success();
    let a = pingshen(other.path())
        .args(["show", &id, "--json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&a)).unwrap();
    assert_eq!(v["inspection"]["institution"]["name"], "东城]0;x中心");
    assert_eq!(v["assessments"]["1.1.1"]["note"], "发现[2J问题\n第二行");
    drop(data);
}

#[test]
fn the_cli_and_the_form_accept_the_same_new_inspection() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let base = [
        "new",
        "--checklist",
        "community-2022",
        "--institution",
        "和平里社区卫生服务中心",
        "--region",
        "东城区",
        "--inspector",
        "张三",
    ];
    let a = pingshen(&data)
        .args(base)
        .args(["--phone", "abc😀"])
        .assert()
        .failure();
    assert!(
        stderr_of(&a).contains("联系电话：只能包含数字、空格和 - + ( )"),
        "{}",
        stderr_of(&a)
    );
    let a = pingshen(&data)
        .args(base)
        .args(["--date", "2026-13-45"])
        .assert()
        .failure();
    assert!(stderr_of(&a).contains("没有 13 月"), "{}", stderr_of(&a));
    // The same rule, asked of the store the form uses.
    let mut new = common::new_inspection("和平里社区卫生服务中心");
    new.institution.phone = "abc😀".into();
    let problems = new.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, pingshen::store::NewField::Phone);
    // Dates as people write them are understood.
    let a = pingshen(&data)
        .args(base)
        .args(["--date", "2026/12/1"])
        .assert()
        .success();
    let id = stdout_of(&a).trim().to_string();
    let a = pingshen(&data)
        .args(["show", &id, "--json"])
        .assert()
        .success();
    assert!(stdout_of(&a).contains("\"date\": \"2026-12-01\""));
}

// 7. CSV formula injection: every CSV cell that Excel would run is neutralised.
#[test]
fn csv_cells_never_start_a_formula() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let a = pingshen(&data)
        .args([
            "new",
            "--checklist",
            "community-2022",
            "--institution",
            "=HYPERLINK(\"http://x\",\"点我\")",
            "--region",
            "@东城区",
            "--inspector",
            "+张三",
            "--head=-王五",
        ])
        .assert()
        .success();
    let id = stdout_of(&a).trim().to_string();
    pingshen(&data)
        .args([
            "grade",
            &id,
            "1.1.1",
            "D",
            "--note",
            "=cmd|' /C calc'!A0",
            "--action",
            "\t=1+1",
        ])
        .assert()
        .success();
    let grades = root.path().join("grades.csv");
    pingshen(&data)
        .args(["export", &id, "--format", "csv", "-o"])
        .arg(&grades)
        .assert()
        .success();
    let roster = root.path().join("roster.csv");
    pingshen(&data)
        .args(["roster", "--format", "csv", "-o"])
        .arg(&roster)
        .assert()
        .success();
    for file in [&grades, &roster] {
        let text = std::fs::read_to_string(file).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let mut cells = 0;
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                cells += 1;
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{}: {cell:?}",
                    file.display()
                );
            }
        }
        assert!(cells > 5);
        assert!(
            text.contains("'=HYPERLINK") || text.contains("'=cmd"),
            "{text}"
        );
    }
}

// 8. Broken pipe: output into a closed pipe ends quietly with exit 0.
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let root = tempfile::tempdir().unwrap();
    let (data, id, _) = fixture(root.path());
    let bin = assert_cmd::cargo::cargo_bin("pingshen");
    for args in [
        vec!["show", id.as_str(), "--json"],
        vec!["show", id.as_str()],
        vec!["history", id.as_str()],
        vec!["list"],
        vec!["roster", "--format", "csv"],
    ] {
        let mut child = process(&bin, &data)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before anything is written.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {err}", out.status);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

// 9. Batch input: a line that is not UTF-8 is reported with its number; the rest go on.
#[test]
fn a_batch_line_that_is_not_utf8_is_reported_and_the_rest_are_saved() {
    let root = tempfile::tempdir().unwrap();
    let (data, id, _) = fixture(root.path());
    let mut input = b"1.3.1\tA\n".to_vec();
    input.extend_from_slice(b"1.3.2\tB\t\xd5\xe2\xca\xc7GBK\n");
    input.extend_from_slice(b"9.9.9\tC\n");
    input.extend_from_slice(b"1.3.3\tC\t\xe8\xae\xb0\xe5\xbd\x95\n");
    let a = pingshen(&data)
        .args(["grade", &id, "--batch"])
        .write_stdin(input)
        .assert()
        .failure()
        .code(1);
    let err = stderr_of(&a);
    assert!(
        err.contains("第 2 行未保存：这一行不是 UTF-8 文本"),
        "{err}"
    );
    assert!(err.contains("第 3 行未保存"), "{err}");
    assert!(err.contains("共 2 行未保存"), "{err}");
    let out = stdout_of(&a);
    assert!(out.contains("已保存\t1.3.1\tA"), "{out}");
    assert!(out.contains("已保存\t1.3.3\tC"), "{out}");
    let help = pingshen(&data).args(["grade", "--help"]).assert().success();
    assert!(stdout_of(&help).contains("其余各行照常保存"));
}

// 10. File size limit: a write past `ulimit -f` is a message, not a silent death.
#[test]
fn a_file_size_limit_gives_a_message_not_a_signal() {
    let root = tempfile::tempdir().unwrap();
    let (data, id, _) = fixture(root.path());
    let bin = assert_cmd::cargo::cargo_bin("pingshen");
    let out = process("sh", &data)
        .arg("-c")
        .arg(format!(
            "ulimit -f 1; exec '{}' export {id} -o '{}'",
            bin.display(),
            root.path().join("out.json").display()
        ))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // Exit code 1 and a sentence; a signal would leave no code at all.
    assert_eq!(out.status.code(), Some(1), "{:?} {err}", out.status);
    assert!(err.contains("超出文件大小限制"), "{err}");
    assert!(!root.path().join("out.json").exists());
}

// 12. Leftovers: temp files of killed processes; recover twice in a second.
#[test]
fn temp_files_of_killed_processes_are_removed_on_open() {
    let root = tempfile::tempdir().unwrap();
    let (data, id, _) = fixture(root.path());
    let backups = data.join("backups").join(&id);
    std::fs::create_dir_all(&backups).unwrap();
    let leftover = backups.join(".20261201T101010.000001.json.99999.tmp");
    std::fs::write(&leftover, vec![b'x'; 4096]).unwrap();
    let deleted_left = data.join("deleted");
    std::fs::create_dir_all(&deleted_left).unwrap();
    let leftover2 = deleted_left.join(".abc.json.4242.tmp");
    std::fs::write(&leftover2, "x").unwrap();
    let keep = backups.join("notes.txt");
    std::fs::write(&keep, "mine").unwrap();
    pingshen(&data).arg("list").assert().success();
    assert!(!leftover.exists() && !leftover2.exists());
    assert!(keep.exists(), "only pingshen's own temp files are removed");
}

#[test]
fn recover_can_run_twice_in_the_same_second() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, _) = fixture(root.path());
    // Opening takes the first backup.
    pingshen(&data).arg("list").assert().success();
    for _ in 0..3 {
        let a = pingshen(&data)
            .args(["recover", "--force"])
            .assert()
            .success();
        assert!(stdout_of(&a).contains("已重建数据库"), "{}", stdout_of(&a));
    }
    let aside = std::fs::read_dir(&data)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("db.damaged-"))
        .count();
    assert_eq!(
        aside, 3,
        "each recovery keeps its own copy of the old database"
    );
}

// 12. A read-only data dir can be read; writes are refused with a reason.
#[test]
fn a_read_only_data_dir_can_be_read_but_not_written() {
    let root = tempfile::tempdir().unwrap();
    let (data, id, _) = fixture(root.path());
    let bin = assert_cmd::cargo::cargo_bin("pingshen");
    let out_dir = tempfile::tempdir().unwrap();
    let before = snapshot(&data);
    // A read-only bind mount in a private mount namespace: root ignores file modes.
    let script = format!(
        r#"set -e
mount --bind -o ro '{data}' '{data}'
p='{bin}'
"$p" list
"$p" show {id} > /dev/null
"$p" export {id} -o '{out}/e.json'
"$p" compare {id} {id} > /dev/null
"$p" report {id} -o '{out}/r.pdf' --no-system-fonts
if "$p" grade {id} 1.1.1 A 2> '{out}/grade.err'; then exit 9; fi
"#,
        data = data.display(),
        bin = bin.display(),
        out = out_dir.path().display(),
    );
    let out = process("unshare", &data)
        .args(["-r", "-m", "sh", "-c", &script])
        .output()
        .expect("unshare (util-linux) runs");
    assert!(
        out.status.success(),
        "{:?}\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("东城区某社区卫生服务中心"));
    assert!(out_dir.path().join("e.json").exists());
    assert!(out_dir.path().join("r.pdf").exists());
    let err = std::fs::read_to_string(out_dir.path().join("grade.err")).unwrap();
    assert!(err.contains("是只读的"), "{err}");
    assert!(err.contains("不能修改"), "{err}");
    assert_eq!(before, snapshot(&data));
}

/// Flakiness, cause 1: dropping the store must release its lock at once, even while
/// other threads of this process are starting child processes (each briefly holds
/// copies of every open file).
#[test]
fn a_child_can_open_the_store_the_moment_it_is_dropped() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    drop(Store::open(&data).unwrap());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let spawner = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = Process::new("true").status();
            }
        })
    };
    for _ in 0..15 {
        let store = Store::open(&data).unwrap();
        drop(store);
        pingshen(&data).arg("list").assert().success();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    spawner.join().unwrap();
}

/// Evidence with a hash that is not one is refused too.
#[test]
fn evidence_must_carry_a_real_hash() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, mut export) = fixture(root.path());
    export.assessments[0].evidence.push(Evidence {
        path: "照片.jpg".into(),
        sha256: "../../etc/passwd".into(),
    });
    let file = write(root.path(), "bad.json", &export);
    refused(&data, &file, "sha256「../../etc/passwd」格式不正确");
}
