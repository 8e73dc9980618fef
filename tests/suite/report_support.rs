//! Shared setup for the report tests: stores in temporary directories with graded
//! inspections of the shipped checklists or of generated large ones.

use std::fmt::Write;
use std::path::Path;
use std::process::Command;

use pingshen::checklist::{Catalog, Checklist, Origin, Source};
use pingshen::scoring::Grade;
use pingshen::store::{Edit, Inspection, NewInspection, Store};

use crate::common::Fixture;

pub const INSTITUTION: &str = "北京市怀柔区镕喆镇中心卫生院";
pub const GENERATED_AT: &str = "2026-11-23 09:30";

/// The report tests' township centre (王堃 and 李珺玥 review it), from [`Fixture`].
pub fn new_inspection() -> NewInspection {
    Fixture::new(INSTITUTION)
        .region("北京市怀柔区")
        .kind("乡镇卫生院")
        .head("赵昇", "13800138000")
        .date("2026-11-20")
        .inspectors(&["王堃", "李珺玥"])
        .build()
}

pub fn shipped(id: &str) -> (Checklist, Source) {
    let cat = Catalog::discover(None);
    let a = cat.get(id).expect("shipped checklist");
    (a.checklist.clone(), a.source.clone())
}

/// A checklist of `n` items in 4 chapters of sections of 10, with a verdict rule.
pub fn generated(n: usize) -> (Checklist, Source) {
    let mut t = String::from(
        "[checklist]\nid = \"big-test\"\ntitle = \"测试用大清单\"\n\
         institution_type = \"乡镇卫生院\"\nversion = \"1\"\nsource = \"pingshen 测试数据\"\n\n\
         [[verdict]]\nname = \"达到基本标准\"\n\n  [[verdict.condition]]\n  \
         select = \"all\"\n  min_grade = \"C\"\n  min_share = 0.8\n",
    );
    let per_chapter = n.div_ceil(4);
    let mut made = 0;
    for ch in 1..=4 {
        write!(
            t,
            "\n[[chapter]]\nid = \"{ch}\"\ntitle = \"第{ch}部分的条款\"\n"
        )
        .unwrap();
        let mut sec = 0;
        while made < n && made < ch * per_chapter {
            sec += 1;
            write!(
                t,
                "\n  [[chapter.section]]\n  id = \"{ch}.{sec}\"\n  title = \"节{sec}\"\n"
            )
            .unwrap();
            for it in 1..=10 {
                if made >= n || made >= ch * per_chapter {
                    break;
                }
                made += 1;
                write!(
                    t,
                    "\n    [[chapter.section.item]]\n    id = \"{ch}.{sec}.{it}\"\n    \
                     title = \"第{made}条：医疗质量安全核心制度落实与持续改进情况\"\n    \
                     tier = \"基本标准\"\n    methods = [\"查阅资料\"]\n    \
                     c = \"建立并落实相关制度，有记录可查（第{made}条）。\"\n    \
                     b = \"在C基础上，定期自查。\"\n    a = \"在B基础上，持续改进。\"\n    \
                     allow_na = true\n"
                )
                .unwrap();
            }
        }
    }
    let source = Source {
        origin: Origin::File("big-test.toml".into()),
        text: t,
    };
    let checklist = source.parse().expect("generated checklist parses");
    (checklist, source)
}

pub fn open(dir: &Path) -> Store {
    Store::open(dir).expect("store opens")
}

pub fn create(store: &Store, checklist: &(Checklist, Source)) -> Inspection {
    store
        .create(new_inspection(), &checklist.0, &checklist.1, "张三")
        .expect("inspection created")
}

/// A note of about `chars` characters, Chinese with some Latin, in sentences.
pub fn long_note(chars: usize) -> String {
    let sentence = "现场查看发现发热诊室未设置独立出入口，候诊区与普通门诊共用通道；\
                    抽查10份健康档案（其中3份随访记录不完整），see ISO 9001:2015 clause 7.5。";
    sentence.chars().cycle().take(chars).collect()
}

/// Grades every item in a fixed pattern (A B C D C B …, every 13th 不适用 where
/// allowed); every `note_every`-th item gets a note of `note_len` characters. Returns
/// the ids graded 不达标.
pub fn grade_all(
    store: &Store,
    inspection: &Inspection,
    checklist: &Checklist,
    note_every: usize,
    note_len: usize,
) -> Vec<String> {
    let pattern = [Grade::A, Grade::B, Grade::C, Grade::D, Grade::C, Grade::B];
    let mut failing = Vec::new();
    let mut edits: Vec<(String, Vec<Edit>)> = Vec::new();
    for (n, (_, _, item)) in checklist.items().enumerate() {
        let mut grade = pattern[n % pattern.len()];
        if n % 13 == 12 && item.allow_na {
            grade = Grade::NotApplicable;
        }
        let mut changes = vec![Edit::Grade(Some(grade))];
        if note_every > 0 && n % note_every == 0 {
            changes.push(Edit::Note(long_note(note_len)));
        }
        if grade == Grade::D {
            failing.push(item.id.clone());
            changes.push(Edit::CorrectiveAction(
                "限期整改，一个月内报送整改报告。".into(),
            ));
        }
        edits.push((item.id.clone(), changes));
    }
    // One transaction and one flush for the whole checklist.
    let items: Vec<(&str, &[Edit])> = edits
        .iter()
        .map(|(i, e)| (i.as_str(), e.as_slice()))
        .collect();
    store
        .update_many(&inspection.id, &items, "王堃")
        .expect("grades saved");
    failing
}

/// Runs a poppler tool; panics with a hint when it is not installed.
pub fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} 无法运行（{e}）：请安装 poppler-utils（apt-get install -y poppler-utils）")
    });
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
