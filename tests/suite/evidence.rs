//! Evidence at hand: a file attached to an item is copied into the data dir under
//! its sha256, so moving or deleting the original loses nothing; the record holds its
//! name, never a folder of the laptop; the TUI attaches from a folder (newest first,
//! several at once), lists, opens and removes, and every change names its author and
//! can be undone.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use pingshen::store::{Edit, Store};

use crate::common::{shipped, store_with_inspection};
use crate::crash::{pingshen, run, shown};
use crate::tui_support::{Harness, goto, regex_escape};

const ITEM: &str = "1.1.1";

/// A phone's photo folder: three JPEGs and a PDF, the newest last written, with
/// their modification times an hour apart.
fn photo_folder(dir: &Path) -> Vec<PathBuf> {
    let folder = dir.join("手机照片");
    fs::create_dir_all(&folder).unwrap();
    let names = [
        "IMG_2031.jpg",
        "IMG_2032.jpg",
        "消毒记录.pdf",
        "IMG_2033.jpg",
    ];
    let start = SystemTime::now() - Duration::from_secs(4 * 3600);
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let p = folder.join(n);
            let mut bytes = if n.ends_with(".jpg") {
                vec![0xFF, 0xD8, 0xFF, 0xE0]
            } else {
                b"%PDF-1.7\n".to_vec()
            };
            bytes.extend(std::iter::repeat_n(i as u8, 1000 * (i + 1)));
            fs::write(&p, &bytes).unwrap();
            let f = fs::File::options().write(true).open(&p).unwrap();
            f.set_modified(start + Duration::from_secs(3600 * i as u64))
                .unwrap();
            p
        })
        .collect()
}

#[test]
fn an_attached_file_is_kept_by_its_hash_and_the_record_holds_only_its_name() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (store, insp) = store_with_inspection(&data, "township-2022");
    let photos = photo_folder(tmp.path());
    let saved = store.attach(&insp.id, ITEM, &photos[..2], "张三").unwrap();
    let ev = &saved.assessment.evidence;
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[0].path, "IMG_2031.jpg");
    assert_eq!(ev[0].size, 1004);
    assert!(ev[0].image);
    assert_eq!(saved.assessment.by, "张三");

    // The originals go; the kept copies are what was attached.
    let originals: Vec<Vec<u8>> = photos[..2].iter().map(|p| fs::read(p).unwrap()).collect();
    fs::remove_dir_all(tmp.path().join("手机照片")).unwrap();
    for (e, bytes) in ev.iter().zip(&originals) {
        let kept = store
            .evidence_file(&e.sha256)
            .expect("kept in the data dir");
        assert!(kept.starts_with(&data));
        assert_eq!(&fs::read(kept).unwrap(), bytes);
        assert_eq!(e.sha256, pingshen::checklist::sha256_hex(bytes));
    }
    // No folder of this laptop is in the record.
    let journal =
        fs::read_to_string(data.join("journals").join(format!("{}.jsonl", insp.id))).unwrap();
    assert!(!journal.contains(&tmp.path().display().to_string()));
    assert!(!journal.contains("手机照片"));

    // The same content again, under another name: kept once, on the item once.
    let again = tmp.path().join("copy.jpg");
    fs::write(&again, &originals[0]).unwrap();
    let saved = store.attach(&insp.id, ITEM, &[again], "张三").unwrap();
    assert!(!saved.changed);
    assert_eq!(fs::read_dir(data.join("evidence")).unwrap().count(), 2);

    // Removed by name: recorded, undone, the file never deleted.
    store
        .update(
            &insp.id,
            ITEM,
            &[Edit::RemoveEvidence("IMG_2032.jpg".into())],
            "李四",
        )
        .unwrap();
    let a = store.assessment(&insp.id, ITEM).unwrap().unwrap();
    assert_eq!(a.evidence.len(), 1);
    assert!(store.evidence_file(&ev[1].sha256).is_some());
    store.undo(&insp.id, "李四").unwrap();
    let a = store.assessment(&insp.id, ITEM).unwrap().unwrap();
    assert_eq!(a.evidence.len(), 2);
    let h = store.history(&insp.id, Some(ITEM)).unwrap();
    let by: Vec<(&str, &str)> = h
        .iter()
        .map(|h| (h.by.as_str(), h.field.as_str()))
        .collect();
    assert_eq!(
        by,
        [
            ("张三", "佐证"),
            ("张三", "佐证"),
            ("李四", "佐证"),
            ("李四", "佐证（撤销）")
        ]
    );
    assert!(
        h[0].new.starts_with("IMG_2031.jpg（sha256 "),
        "{}",
        h[0].new
    );
}

#[test]
fn a_folder_or_a_missing_file_is_refused_and_nothing_is_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, insp) = store_with_inspection(&tmp.path().join("data"), "township-2022");
    let photos = photo_folder(tmp.path());
    let before = store.history(&insp.id, None).unwrap().len();
    let folder = store
        .attach(&insp.id, ITEM, &[tmp.path().join("手机照片")], "张三")
        .unwrap_err()
        .to_string();
    assert!(folder.contains("不是文件"), "{folder}");
    // One good file and one missing: neither is recorded.
    let missing = store
        .attach(
            &insp.id,
            ITEM,
            &[photos[0].clone(), tmp.path().join("没有.jpg")],
            "张三",
        )
        .unwrap_err()
        .to_string();
    assert!(
        missing.contains("没有.jpg") && missing.contains("未附上"),
        "{missing}"
    );
    assert_eq!(store.history(&insp.id, None).unwrap().len(), before);
    assert!(store.assessment(&insp.id, ITEM).unwrap().is_none());
}

#[test]
fn the_cli_copies_the_file_and_records_no_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = {
        let (c, s) = shipped("township-2022");
        let store = Store::open(&data).unwrap();
        store
            .create(
                crate::common::new_inspection("青山镇卫生院"),
                &c,
                &s,
                "张三",
            )
            .unwrap()
            .id
    };
    let photos = photo_folder(tmp.path());
    let mut cmd = pingshen(&data);
    cmd.args(["grade", &id, ITEM, "C", "--evidence"])
        .arg(&photos[3]);
    let out = run(cmd, b"", "grade --evidence");
    assert!(out.status.success(), "{}", shown(&out));
    fs::remove_file(&photos[3]).unwrap();
    let mut cmd = pingshen(&data);
    cmd.args(["show", &id]);
    let out = run(cmd, b"", "show");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("佐证材料"), "{text}");
    let line = text.lines().find(|l| l.contains("IMG_2033.jpg")).unwrap();
    assert!(line.contains("图") && !line.contains("缺失"), "{line}");
    let journal = fs::read_to_string(data.join("journals").join(format!("{id}.jsonl"))).unwrap();
    assert!(!journal.contains(&tmp.path().display().to_string()));
}

/// How many evidence files item [`ITEM`] holds.
fn attached(h: &Harness, id: &str) -> usize {
    h.store()
        .assessment(id, ITEM)
        .unwrap()
        .map_or(0, |a| a.evidence.len())
}

/// `i`, a folder, Space on two files, Enter: both attached to the item on screen,
/// by the acting inspector; `o`, `x`, `y` removes one; `u` puts it back.
#[test]
fn the_walkthrough_attaches_from_a_folder_lists_removes_and_undoes() {
    let (mut h, id) = Harness::walkthrough();
    let folder = h.dir.path().join("手机照片");
    photo_folder(h.dir.path());
    h.app.evidence_folder = Some(folder.clone());
    goto(&mut h, ITEM);
    h.press("i");
    h.press("Enter");
    let picker = h.screen(100, 30);
    // Newest first.
    let order: Vec<usize> = [
        "IMG_2033.jpg",
        "消毒记录.pdf",
        "IMG_2032.jpg",
        "IMG_2031.jpg",
    ]
    .iter()
    .map(|n| {
        picker
            .find(n)
            .unwrap_or_else(|| panic!("{n} not listed:\n{picker}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{picker}");
    h.press("Space");
    h.press("Space");
    h.press("Enter");
    assert_eq!(
        h.status(),
        "已附上 2 个佐证到 1.1.1（文件已复制到数据目录）"
    );
    let a = h.store().assessment(&id, ITEM).unwrap().unwrap();
    let names: Vec<&str> = a.evidence.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["IMG_2033.jpg", "消毒记录.pdf"]);
    assert_eq!(a.by, "张敏");
    assert!(h.screen(120, 40).contains("图 IMG_2033.jpg"));

    h.press("o");
    h.press("Down");
    h.press("x");
    h.press("y");
    assert_eq!(
        h.status(),
        "已从 1.1.1 去掉佐证「消毒记录.pdf」（可以撤销）"
    );
    assert_eq!(attached(&h, &id), 1);
    h.press("u");
    assert!(
        h.status().starts_with("已撤销：条款 1.1.1 的佐证"),
        "{}",
        h.status()
    );
    assert_eq!(attached(&h, &id), 2);
    h.press("U");
    assert_eq!(attached(&h, &id), 1);
    let fields: Vec<(String, String)> = h
        .store()
        .history(&id, Some(ITEM))
        .unwrap()
        .into_iter()
        .map(|e| (e.by, e.field))
        .collect();
    let want = |b: &str, f: &str| (b.to_string(), f.to_string());
    assert_eq!(
        fields,
        [
            want("张敏", "佐证"),
            want("张敏", "佐证"),
            want("张敏", "佐证"),
            want("张敏", "佐证（撤销）"),
            want("张敏", "佐证（重做）"),
        ]
    );
}

#[test]
fn evidence_screens_at_80x24_and_120x40() {
    let (mut h, _) = Harness::walkthrough();
    let folder = h.dir.path().join("手机照片");
    photo_folder(h.dir.path());
    h.app.evidence_folder = Some(folder);
    goto(&mut h, ITEM);
    h.press("i");
    snap("evidence_prompt", &h);
    h.press("Enter");
    h.press("Space");
    snap("evidence_picker", &h);
    h.press("Space");
    h.press("Enter");
    h.press("PageDown");
    snap("evidence_in_detail", &h);
    h.press("o");
    snap("evidence_list", &h);
}

fn snap(name: &str, h: &Harness) {
    let tmp = regex_escape(&h.dir.path().display().to_string());
    for (w, hgt) in [(80u16, 24u16), (120, 40)] {
        let screen = h.styled_screen(w, hgt);
        insta::with_settings!({
            filters => vec![
                (tmp.as_str(), "[临时目录]"),
                (r"\b[0-9a-f]{10}\b", "[编号....]"),
                (r"\d{2}-\d{2} \d{2}:\d{2}", "[修改时间]"),
            ],
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("{name}_{w}x{hgt}"), screen);
        });
    }
}
