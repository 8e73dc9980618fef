//! What leaves (the terminal, CSV, pipes, files under a size limit) and the data dir
//! itself (leftovers, recovery, read-only, the lock).

use std::process::{Command as Process, Stdio};

use pingshen::store::Store;

use super::*;

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
    let (data, _, _) = fixture(root.path());
    let backups = data.join("pinned");
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
        let a = pingshen(&data).args(["recover"]).assert().success();
        assert!(
            stdout_of(&a).contains("已从日志重建数据库"),
            "{}",
            stdout_of(&a)
        );
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
    same(&before, &snapshot(&data), "a write to a read-only dir");
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
