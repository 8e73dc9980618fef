//! The record as a user meets it on the command line: who is acting, the laptop's
//! identity, `verify` of the journals and of a report PDF.

use std::path::Path;

use assert_cmd::Command;

/// `pingshen` on `data` with its own config dir `config`, and no PINGSHEN_INSPECTOR.
fn pingshen(data: &Path, config: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", config)
        .env_remove("PINGSHEN_INSPECTOR")
        .env("PINGSHEN_CHECKLIST_DIR", data.join("no-user-checklists"));
    c
}

fn out(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

fn err(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// A township inspection by 王喆 and 李四; returns its id.
fn two_inspectors(data: &Path, config: &Path) -> String {
    let a = pingshen(data, config)
        .args([
            "new",
            "--checklist",
            "township-2022",
            "--institution",
            "青山镇卫生院",
            "--region",
            "双清区",
            "--inspector",
            "王喆",
            "--inspector",
            "李四",
            "--as",
            "王喆",
        ])
        .assert()
        .success();
    out(&a).trim().to_string()
}

#[test]
fn every_change_names_who_acted_and_nobody_is_assumed() {
    let root = tempfile::tempdir().unwrap();
    let (data, config) = (root.path().join("data"), root.path().join("config"));
    let id = two_inspectors(&data, &config);
    // Two inspectors, no --as, no PINGSHEN_INSPECTOR, no identity: refused, saying how.
    let a = pingshen(&data, &config)
        .args(["grade", &id, "1.1.1", "A"])
        .assert()
        .failure();
    let e = err(&a);
    assert!(
        e.contains("不知道是哪位评审专家") && e.contains("--as"),
        "{e}"
    );
    assert!(e.contains("王喆、李四"), "{e}");
    // The laptop's identity, when it is one of them, is who acts.
    let a = pingshen(&data, &config)
        .args(["whoami", "--set", "李四", "--title", "主任医师"])
        .assert()
        .success();
    assert!(out(&a).contains("主任医师"), "{}", out(&a));
    pingshen(&data, &config)
        .args(["grade", &id, "1.1.1", "A"])
        .assert()
        .success();
    // PINGSHEN_INSPECTOR wins over the identity, --as (or --by) over both.
    pingshen(&data, &config)
        .env("PINGSHEN_INSPECTOR", "王喆")
        .args(["grade", &id, "1.1.2", "B"])
        .assert()
        .success();
    pingshen(&data, &config)
        .env("PINGSHEN_INSPECTOR", "王喆")
        .args(["grade", &id, "1.1.3", "C", "--by", "李四"])
        .assert()
        .success();
    let a = pingshen(&data, &config)
        .args(["show", &id, "--json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&out(&a)).unwrap();
    assert_eq!(v["assessments"]["1.1.1"]["by"], "李四");
    assert_eq!(v["assessments"]["1.1.2"]["by"], "王喆");
    assert_eq!(v["assessments"]["1.1.3"]["by"], "李四");
    // The key was made once, readable by its owner only, and signs every entry.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(config.join("signing-key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let a = pingshen(&data, &config).arg("whoami").assert().success();
    let fingerprint = out(&a)
        .lines()
        .find_map(|l| l.strip_prefix("签名密钥指纹："))
        .unwrap()
        .to_string();
    let a = pingshen(&data, &config)
        .args(["history", &id])
        .assert()
        .success();
    let short = &fingerprint[..9];
    assert_eq!(out(&a).matches(short).count(), 4, "{}", out(&a));
}

#[test]
fn verify_names_the_entry_and_author_where_a_journal_breaks() {
    let root = tempfile::tempdir().unwrap();
    let (data, config) = (root.path().join("data"), root.path().join("config"));
    let id = two_inspectors(&data, &config);
    for (item, g, who) in [
        ("1.1.1", "A", "王喆"),
        ("1.1.2", "D", "李四"),
        ("1.1.3", "B", "王喆"),
    ] {
        pingshen(&data, &config)
            .args(["grade", &id, item, g, "--as", who])
            .assert()
            .success();
    }
    let a = pingshen(&data, &config).arg("verify").assert().success();
    assert!(out(&a).contains("签名全部相符"), "{}", out(&a));
    // Someone edits the journal with a text editor: 李四's D becomes an A.
    let journal = data.join("journals").join(format!("{id}.jsonl"));
    let text = std::fs::read_to_string(&journal).unwrap();
    let forged = text.replacen("\"new\":\"D\"", "\"new\":\"A\"", 1);
    assert_ne!(forged, text);
    std::fs::write(&journal, forged).unwrap();
    let a = pingshen(&data, &config).arg("verify").assert().failure();
    let o = out(&a);
    assert!(
        o.contains(&id) && o.contains("第 3 条记录") && o.contains("李四"),
        "{o}"
    );
    assert!(o.contains("签名不符"), "{o}");
}

#[test]
fn a_report_is_verified_against_the_record_it_was_made_from() {
    let root = tempfile::tempdir().unwrap();
    let (data, config) = (root.path().join("data"), root.path().join("config"));
    let id = two_inspectors(&data, &config);
    pingshen(&data, &config)
        .args(["grade", &id, "1.1.1", "A", "--as", "王喆"])
        .assert()
        .success();
    let pdf = root.path().join("报告.pdf");
    pingshen(&data, &config)
        .args(["report", &id, "-o"])
        .arg(&pdf)
        .assert()
        .success();
    let a = pingshen(&data, &config)
        .arg("verify")
        .arg(&pdf)
        .assert()
        .success();
    assert!(
        out(&a).contains("一致：与本机检查") && out(&a).contains("2 条记录"),
        "{}",
        out(&a)
    );
    // The record goes on after the report: still the report's record, and said so.
    pingshen(&data, &config)
        .args(["grade", &id, "1.1.2", "B", "--as", "李四"])
        .assert()
        .success();
    let a = pingshen(&data, &config)
        .arg("verify")
        .arg(&pdf)
        .assert()
        .success();
    assert!(
        out(&a).contains("前 2 条记录") && out(&a).contains("此后又有 1 条"),
        "{}",
        out(&a)
    );
    // Checked on another laptop against the export.
    let export = root.path().join("e.pingshen");
    pingshen(&data, &config)
        .args(["export", &id, "-o"])
        .arg(&export)
        .assert()
        .success();
    let other = root.path().join("other");
    let a = pingshen(&other, &root.path().join("other-config"))
        .arg("verify")
        .arg(&pdf)
        .arg("--against")
        .arg(&export)
        .assert()
        .success();
    assert!(out(&a).contains("前 2 条记录"), "{}", out(&a));
    // A report whose seal was altered matches nothing.
    let bytes = std::fs::read(&pdf).unwrap();
    let at = bytes
        .windows(18)
        .position(|w| w == b"PingshenRecordHead")
        .unwrap();
    let open = at + bytes[at..].iter().position(|b| *b == b'(').unwrap() + 1;
    let mut forged = bytes.clone();
    forged[open] = if forged[open] == b'0' { b'1' } else { b'0' };
    let bad = root.path().join("改过.pdf");
    std::fs::write(&bad, forged).unwrap();
    let a = pingshen(&data, &config)
        .arg("verify")
        .arg(&bad)
        .assert()
        .failure();
    assert!(err(&a).contains("不一致"), "{}", err(&a));
    // Not a PDF at all: a message, no panic.
    std::fs::write(&bad, "hello").unwrap();
    let a = pingshen(&data, &config)
        .arg("verify")
        .arg(&bad)
        .assert()
        .failure();
    assert!(err(&a).contains("不是有效的 PDF"), "{}", err(&a));
}
