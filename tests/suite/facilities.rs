//! Facilities as records: the register (add, edit, merge, who did what), every new
//! inspection under a facility, the migration of inspections made before facilities
//! were kept (near-duplicates reported, merged only when confirmed), a tampered
//! register refused whole, and the `pingshen facility` commands.

use std::path::Path;

use pingshen::store::{FacilityChange, FacilityDraft, Store};

use crate::common::{Fixture, copy_dir, pingshen};

fn draft(name: &str, region: &str, kind: &str) -> FacilityDraft {
    FacilityDraft {
        name: Some(name.into()),
        region: Some(region.into()),
        kind: Some(kind.into()),
        ..FacilityDraft::default()
    }
}

#[test]
fn a_facility_is_added_corrected_and_merged_each_change_naming_who() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut d = draft("和平里社区卫生服务中心", "北京市东城区", "社区卫生服务中心");
    d.code = Some("91350100m000100y43".into());
    d.population = Some("１２,０００".into());
    d.staff = Some("9".into());
    let a = store.add_facility(&d, "王喆").unwrap();
    assert_eq!(a.code, "91350100M000100Y43");
    assert_eq!(a.population, Some(12_000));
    // The same name and region again, spaced differently: refused, nothing written.
    let len = std::fs::metadata(dir.path().join("facilities.jsonl"))
        .unwrap()
        .len();
    let err = store
        .add_facility(
            &draft(
                "和平里 社区卫生服务中心",
                "北京市东城区",
                "社区卫生服务中心",
            ),
            "王喆",
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("已登记了「和平里社区卫生服务中心」"), "{err}");
    assert_eq!(
        std::fs::metadata(dir.path().join("facilities.jsonl"))
            .unwrap()
            .len(),
        len
    );
    // A wrong check character says which it should be.
    let mut bad = draft("安贞社区卫生服务中心", "北京市朝阳区", "社区卫生服务中心");
    bad.code = Some("91350100M000100Y44".into());
    let err = store.add_facility(&bad, "王喆").unwrap_err().to_string();
    assert!(err.contains("校验位不对（按前 17 位应为 3）"), "{err}");

    let b = store
        .add_facility(
            &draft("和平里社区卫生服务站", "北京市东城区", "社区卫生服务中心"),
            "李四",
        )
        .unwrap();
    let (edited, changed) = store
        .edit_facility(
            "服务站",
            &FacilityDraft {
                head: Some("赵主任".into()),
                community_hospital: Some("2024年6月1日".into()),
                ..FacilityDraft::default()
            },
            "李四",
        )
        .unwrap();
    assert_eq!(edited.id, b.id, "found by part of its name");
    let labels: Vec<&str> = changed.iter().map(|(l, _, _)| *l).collect();
    assert_eq!(labels, ["机构负责人", "社区医院"]);
    assert_eq!(changed[1].2, "是（2024-06-01 起）");
    let (from, into) = store
        .merge_facilities(&b.id, "和平里社区卫生服务中心", "王喆")
        .unwrap();
    assert_eq!(
        (from.id.as_str(), into.id.as_str()),
        (b.id.as_str(), a.id.as_str())
    );
    drop(store);

    // Read again from the file: the same register, and who did what.
    let store = Store::open(dir.path()).unwrap();
    let register = store.facilities().unwrap();
    assert_eq!(register.len(), 1);
    assert_eq!(
        register.resolve(&b.id).map(|f| f.id.as_str()),
        Some(a.id.as_str())
    );
    let who: Vec<(&str, &str)> = register
        .entries()
        .iter()
        .map(|e| {
            let what = match &e.change {
                FacilityChange::Add { .. } => "add",
                FacilityChange::Edit { .. } => "edit",
                FacilityChange::Merge { .. } => "merge",
            };
            (what, e.author.name.as_str())
        })
        .collect();
    assert_eq!(
        who,
        [
            ("add", "王喆"),
            ("add", "李四"),
            ("edit", "李四"),
            ("merge", "王喆")
        ]
    );
}

#[test]
fn every_new_inspection_is_under_a_facility_and_the_sample_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let one = Fixture::new("青山镇卫生院")
        .region("某县")
        .kind("乡镇卫生院")
        .create(&store, "township-2022");
    let two = Fixture::new("青山镇　卫生院")
        .region("某县")
        .kind("乡镇卫生院")
        .date("2025-09-01")
        .create(&store, "township-2022");
    let elsewhere = Fixture::new("青山镇卫生院")
        .region("另一县")
        .kind("乡镇卫生院")
        .create(&store, "township-2022");
    let f = one.facility.clone().expect("under a facility");
    assert_eq!(two.facility.as_deref(), Some(f.as_str()), "same facility");
    assert_ne!(elsewhere.facility.as_deref(), Some(f.as_str()));
    let register = store.facilities().unwrap();
    assert_eq!(register.len(), 2);
    assert_eq!(register.resolve(&f).unwrap().name, "青山镇卫生院");
    // The inspection keeps its own spelling of the day.
    assert_eq!(
        store.get(&two.id).unwrap().institution.name,
        "青山镇　卫生院"
    );
    let catalog = pingshen::checklist::Catalog::discover(None);
    let sample = store
        .create_sample(
            pingshen::store::sample_checklist(&catalog).unwrap(),
            "2026-11-23",
            "张三",
        )
        .unwrap();
    assert_eq!(sample.inspection.facility, None);
    assert_eq!(store.facilities().unwrap().len(), 2);
}

/// The data dir of the first journal (layout 3, before facilities were kept): its
/// two inspections go under two new facilities, each link a journal entry naming
/// who migrated, the completed inspection too; a second run has nothing to do.
#[test]
fn todays_data_is_migrated_into_facilities() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suite/fixtures/schema3-datadir"),
        dir.path(),
    );
    let store = Store::open(dir.path()).unwrap();
    assert!(store.list().unwrap().iter().all(|i| i.facility.is_none()));
    let plan = store.facility_plan().unwrap();
    assert_eq!(plan.linked, 0);
    assert!(plan.near.is_empty());
    let mut names: Vec<&str> = plan
        .to_new
        .iter()
        .map(|s| s.institution.name.as_str())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["东城区和平里社区卫生服务中心", "大兴区青云店镇卫生院"]
    );
    // The plan wrote nothing.
    assert!(!dir.path().join("facilities.jsonl").exists());

    let done = store.migrate_facilities(false, "赵科长").unwrap();
    assert_eq!((done.registered, done.linked, done.near_left), (2, 2, 0));
    let register = store.facilities().unwrap();
    for i in store.list().unwrap() {
        let f = register
            .resolve(i.facility.as_deref().expect("linked"))
            .unwrap();
        assert_eq!(
            (&f.name, &f.region),
            (&i.institution.name, &i.institution.region)
        );
        assert_eq!(f.kind, i.institution.kind);
        let journal =
            std::fs::read_to_string(dir.path().join("journals").join(format!("{}.jsonl", i.id)))
                .unwrap();
        let last: serde_json::Value =
            serde_json::from_str(journal.lines().last().unwrap()).unwrap();
        assert_eq!(last["change"]["kind"], "facility");
        assert_eq!(last["change"]["new"], f.id.as_str());
        assert_eq!(last["author"]["name"], "赵科长");
    }
    assert!(store.verify().unwrap().broken().count() == 0);
    assert!(store.facility_plan().unwrap().is_empty());
    assert_eq!(store.migrate_facilities(false, "赵科长").unwrap().linked, 0);
}

/// Three spellings of one facility and one of another, on a laptop whose register
/// does not know them: the near-duplicates are reported and left until confirmed,
/// then merged into the spelling most inspections use.
#[test]
fn near_duplicates_wait_for_the_user_to_confirm() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        for (name, date) in [
            ("青山镇卫生院", "2024-09-01"),
            ("青山镇卫生院", "2025-09-01"),
            ("青山镇 卫生院", "2026-09-01"),
            ("青山镇卫生院（分院）", "2026-09-02"),
            ("青山镇卫生院(分院)", "2026-09-03"),
            ("绿水镇卫生院", "2026-09-04"),
        ] {
            Fixture::new(name)
                .region("某县")
                .kind("乡镇卫生院")
                .date(date)
                .create(&store, "township-2022");
        }
    }
    std::fs::remove_file(dir.path().join("facilities.jsonl")).unwrap();
    let store = Store::open(dir.path()).unwrap();
    let plan = store.facility_plan().unwrap();
    assert_eq!(plan.to_new.len(), 1);
    assert_eq!(plan.to_new[0].institution.name, "绿水镇卫生院");
    let near: Vec<Vec<(&str, usize)>> = plan
        .near
        .iter()
        .map(|(_, g)| {
            g.iter()
                .map(|s| (s.institution.name.as_str(), s.inspections.len()))
                .collect()
        })
        .collect();
    assert_eq!(
        near,
        [
            vec![("青山镇卫生院", 2), ("青山镇 卫生院", 1)],
            vec![("青山镇卫生院(分院)", 1), ("青山镇卫生院（分院）", 1)],
        ]
    );
    assert_eq!(plan.inspections(false), 1);
    assert_eq!(plan.inspections(true), 6);

    let done = store.migrate_facilities(false, "赵科长").unwrap();
    assert_eq!((done.registered, done.linked, done.near_left), (1, 1, 2));
    let done = store.migrate_facilities(true, "赵科长").unwrap();
    assert_eq!((done.registered, done.linked, done.near_left), (2, 5, 0));
    let register = store.facilities().unwrap();
    let mut names: Vec<&str> = register.facilities().map(|f| f.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        ["绿水镇卫生院", "青山镇卫生院", "青山镇卫生院(分院)"]
    );
    let qs = register.find("青山镇卫生院").unwrap().id.clone();
    let under = store
        .list()
        .unwrap()
        .into_iter()
        .filter(|i| i.facility.as_deref() == Some(qs.as_str()))
        .count();
    assert_eq!(under, 3);
}

fn register_lines(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("facilities.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(dir: &Path, lines: &[String]) {
    std::fs::write(dir.join("facilities.jsonl"), lines.join("\n") + "\n").unwrap();
}

/// A register edited by hand, lines swapped or cut from another, or holding what
/// the gate refuses, is refused whole with the line and why; nothing is written to
/// it, and the inspections are untouched.
#[test]
fn a_tampered_register_is_refused_whole_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .add_facility(
            &draft("甲社区卫生服务中心", "某区", "社区卫生服务中心"),
            "王喆",
        )
        .unwrap();
    store
        .add_facility(
            &draft("乙社区卫生服务中心", "某区", "社区卫生服务中心"),
            "王喆",
        )
        .unwrap();
    let inspection = Fixture::new("丙社区卫生服务中心").create(&store, "community-2022");
    drop(store);
    let good = register_lines(dir.path());
    assert_eq!(good.len(), 3);

    let edited = good[1].replace("乙社区", "丁社区");
    let swapped = vec![good[1].clone(), good[0].clone(), good[2].clone()];
    let mut half = good.clone();
    half[2].truncate(40);
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![good[0].clone(), edited, good[2].clone()],
            "第 2 行的签名无效",
        ),
        (swapped, "第 1 行没有接在上一行之后"),
        (half, "第 3 行无法解析"),
    ];
    for (lines, want) in cases {
        write_lines(dir.path(), &lines);
        let before = std::fs::read(dir.path().join("facilities.jsonl")).unwrap();
        let store = Store::open(dir.path()).unwrap();
        let err = store.facilities().unwrap_err().to_string();
        assert!(err.contains(want), "{want}: {err}");
        assert!(err.contains("名录未被改动"), "{err}");
        let err = store
            .add_facility(
                &draft("戊社区卫生服务中心", "某区", "社区卫生服务中心"),
                "王喆",
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{err}");
        assert_eq!(
            std::fs::read(dir.path().join("facilities.jsonl")).unwrap(),
            before
        );
        assert_eq!(
            store.get(&inspection.id).unwrap().institution.name,
            "丙社区卫生服务中心"
        );
        drop(store);
    }
    // A register that cannot be used does not stop a review day: the inspection is
    // made, not under a facility, and the user is told how to put it under one.
    write_lines(
        dir.path(),
        &[good[0].clone(), good[1].replace("乙社区", "丁社区")],
    );
    let store = Store::open(dir.path()).unwrap();
    let _ = store.take_warning();
    let made = Fixture::new("己社区卫生服务中心").create(&store, "community-2022");
    assert_eq!(made.facility, None);
    let warning = store.take_warning().unwrap_or_default();
    assert!(warning.contains("没有归入机构名录"), "{warning}");
    assert!(warning.contains("签名无效"), "{warning}");
    drop(store);
    // A half-written last line (a write cut off before it was reported saved) is
    // left out; the lines before it stand.
    let mut torn = good.join("\n") + "\n";
    torn.push_str(&good[2][..30]);
    std::fs::write(dir.path().join("facilities.jsonl"), torn).unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.facilities().unwrap().len(), 3);
}

fn run(data: &Path, args: &[&str]) -> (bool, String, String) {
    let out = pingshen(data).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn facility_commands_list_add_edit_and_start_an_inspection() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (ok, _, err) = run(
        data,
        &[
            "facility",
            "add",
            "--name",
            "绿水镇卫生院",
            "--region",
            "某县",
            "--type",
            "乡镇卫生院",
            "--subtype",
            "中心卫生院",
            "--staff",
            "12",
            "--population",
            "23000",
        ],
    );
    assert!(ok, "{err}");
    let (ok, _, err) = run(
        data,
        &[
            "facility",
            "add",
            "--name",
            "安平社区卫生服务中心",
            "--region",
            "某县",
            "--type",
            "社区卫生服务中心",
            "--subtype",
            "一般卫生院",
            "--phone",
            "电话",
        ],
    );
    assert!(!ok);
    assert!(err.contains("「一般卫生院」只用于卫生院"), "{err}");
    assert!(err.contains("联系电话只能包含数字"), "{err}");
    let (ok, _, err) = run(
        data,
        &[
            "facility",
            "add",
            "--name",
            "安平社区卫生服务中心",
            "--region",
            "某县",
            "--type",
            "社区卫生服务中心",
        ],
    );
    assert!(ok, "{err}");
    let (ok, out, err) = run(
        data,
        &[
            "new",
            "--checklist",
            "township-2022",
            "--facility",
            "lszwsy",
            "--inspector",
            "张三",
            "--date",
            "2026-09-10",
        ],
    );
    assert!(ok, "{err}");
    let id = out.trim().to_string();
    let (_, out, _) = run(data, &["facility", "list"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("编号"), "{out}");
    // By pinyin: 安平 (an) before 绿水 (lü).
    assert!(lines[1].contains("安平社区卫生服务中心"), "{out}");
    assert!(
        lines[2].contains("绿水镇卫生院") && lines[2].contains("乡镇卫生院（中心卫生院）"),
        "{out}"
    );
    assert!(lines[2].trim_end().ends_with('1'), "one inspection: {out}");
    let (_, out, _) = run(data, &["show", &id]);
    assert!(out.contains("绿水镇卫生院"), "{out}");

    let (ok, out, err) = run(
        data,
        &[
            "facility",
            "edit",
            "绿水镇卫生院",
            "--head",
            "周院长",
            "--staff",
            "-",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("机构负责人：（空） → 周院长"), "{out}");
    assert!(out.contains("卫生技术人员数：12 → （空）"), "{out}");
    let (ok, _, err) = run(data, &["facility", "edit", "不存在的机构", "--head", "某"]);
    assert!(!ok);
    assert!(
        err.contains("没有名称或编号为「不存在的机构」的机构"),
        "{err}"
    );
    let (ok, _, err) = run(data, &["facility", "migrate"]);
    assert!(ok, "{err}");
    let (_, out, _) = run(data, &["facility", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[1]["head"], "周院长");
}

/// A teammate's inspection arrives with its facility: registered where the lead's
/// register lacks it, merged into the lead's own record of the same facility when
/// the lead has one (registered under another id), so both count as one; a bundle
/// whose facility the gate refuses is refused whole.
#[test]
fn a_facility_travels_with_the_inspection_and_joins_the_same_one_here() {
    use crate::common::{export_to, trusting};
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let laptop_a = Store::open(&a).unwrap();
    let laptop_b = Store::open(&b).unwrap();
    let mut d = draft("青山镇卫生院", "某县", "乡镇卫生院");
    d.subtype = Some("中心卫生院".into());
    d.staff = Some("8".into());
    laptop_a.add_facility(&d, "王喆").unwrap();
    let qs = Fixture::new("青山镇卫生院")
        .region("某县")
        .kind("乡镇卫生院")
        .create(&laptop_a, "township-2022");
    let ls = Fixture::new("绿水镇卫生院")
        .region("某县")
        .kind("乡镇卫生院")
        .create(&laptop_a, "township-2022");
    // The lead registered 青山镇卫生院 on their own laptop already.
    let own = laptop_b
        .add_facility(&draft("青山镇卫生院", "某县", "乡镇卫生院"), "李四")
        .unwrap();
    for (id, n) in [(&qs.id, 1), (&ls.id, 2)] {
        let bundle = export_to(&laptop_a, id, &dir.path().join(format!("{n}.pingshen")));
        assert!(bundle.facility.is_some());
        laptop_b.import(&bundle, &trusting(&[&bundle])).unwrap();
    }
    let register = laptop_b.facilities().unwrap();
    assert_eq!(register.len(), 2, "青山镇卫生院 once, 绿水镇卫生院 added");
    let got = laptop_b.get(&qs.id).unwrap();
    assert_eq!(
        register
            .resolve(got.facility.as_deref().unwrap())
            .unwrap()
            .id,
        own.id,
        "counts as the lead's own record"
    );
    let ls_here = register.resolve(ls.facility.as_deref().unwrap()).unwrap();
    assert_eq!(ls_here.name, "绿水镇卫生院");
    assert!(laptop_b.facility_plan().unwrap().is_empty());

    // A crafted facility in an otherwise good bundle: refused, nothing imported.
    let mut bundle = export_to(&laptop_a, &qs.id, &dir.path().join("3.pingshen"));
    let c = dir.path().join("c");
    let laptop_c = Store::open(&c).unwrap();
    let mut v = crate::common::payload(&bundle);
    v["facility"]["code"] = serde_json::json!("12345");
    let file = dir.path().join("crafted.pingshen");
    crate::common::sign_json(&v, &file, laptop_a.identity());
    let err = match pingshen::store::read_bundle(&file) {
        Ok(crafted) => {
            bundle = crafted;
            laptop_c
                .import(&bundle, &trusting(&[&bundle]))
                .unwrap_err()
                .to_string()
        }
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("机构信息有误") && err.contains("有 5 位"),
        "{err}"
    );
    assert!(laptop_c.list().unwrap().is_empty());
    assert!(!c.join("facilities.jsonl").exists());
}
