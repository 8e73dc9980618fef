#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark set-up: a failure should stop the run"
)]
//! Budget: the full review report PDF of the larger shipped checklist (township-2022),
//! every item graded, notes on a third of them and 整改意见 on the 不达标 ones, no
//! photos, in under 60 ms and under 2 MB, sealed with its record (head hash, entry
//! count, signer), with its 综合评价 and 组织单位: the final report of a completed
//! inspection, and the same as a draft (watermark on every page). Prints the file
//! size; criterion prints the time.
//!
//! Also the 整改通知书 of the same inspection (its 整改意见 by department): under 100 ms.
//!
//! Run: cargo bench --bench report

use criterion::{Criterion, criterion_group, criterion_main};
use pingshen::checklist::Catalog;
use pingshen::report::{ReportInput, ReportOptions, render, render_actions};
use pingshen::scoring::Grade;
use pingshen::store::{
    ActionPlan, ActionStatus, Edit, InspectionEdit, Institution, NewInspection, Progress,
    ReviewKind, Store,
};

const DEPARTMENTS: [&str; 4] = ["院办", "公共卫生科", "医务科", "护理部"];

const NOTE: &str = "现场查看发现，发热诊室未设置独立出入口，候诊区与普通门诊共用通道；抽查10份健康档案，\
                    其中3份随访记录不完整（缺少血压、血糖值），档案更新不及时。已当场反馈机构负责人。";

fn input(dir: &std::path::Path) -> ReportInput {
    let store = Store::open(dir).expect("store opens");
    let catalog = Catalog::discover(None);
    let township = catalog.get("township-2022").expect("shipped checklist");
    let inspection = store
        .create(
            NewInspection {
                institution: Institution {
                    name: "北京市怀柔区镕喆镇中心卫生院".into(),
                    region: "北京市怀柔区".into(),
                    kind: "乡镇卫生院".into(),
                    head: "赵昇".into(),
                    phone: "13800138000".into(),
                },
                review_kind: ReviewKind::District,
                date: "2026-11-20".into(),
                inspectors: vec!["王堃".into(), "李珺玥".into(), "张彧".into()],
                sample: false,
                organiser: "北京市怀柔区卫生健康委员会".into(),
            },
            &township.checklist,
            &township.source,
            "王堃",
        )
        .expect("inspection created");
    let grades = [Grade::A, Grade::B, Grade::C, Grade::B, Grade::D, Grade::C];
    // The journal: the inspection's creation, then one entry per change.
    let mut entries = 1;
    for (n, (_, _, item)) in township.checklist.items().enumerate() {
        let mut changes = vec![Edit::Grade(Some(grades[n % grades.len()]))];
        if n % 3 == 0 {
            changes.push(Edit::Note(NOTE.into()));
        }
        if grades[n % grades.len()] == Grade::D {
            changes.push(Edit::CorrectiveAction(
                "限期一个月整改，整改完成后报送整改报告及佐证材料。".into(),
            ));
            // Each with its department and deadline, for the 整改通知书.
            changes.push(Edit::Plan(ActionPlan {
                owner: DEPARTMENTS[n % DEPARTMENTS.len()].into(),
                due: "2027-01-31".parse().ok(),
                status: ActionStatus::Open,
            }));
        }
        entries += changes.len() as u64;
        store
            .update(&inspection.id, &item.id, &changes, "王堃")
            .expect("grade saved");
    }
    store
        .edit(
            &inspection.id,
            InspectionEdit {
                opinion: Some(
                    "该院基础设施较完善，基本医疗和公共卫生服务能力较强。\n\
                     存在的主要问题：发热诊室布局不符合要求，部分健康档案随访记录不完整。\n\
                     建议：限期一个月整改，整改完成后报送整改报告。"
                        .into(),
                ),
                ..InspectionEdit::default()
            },
            "王堃",
        )
        .expect("opinion saved");
    store.complete(&inspection.id, "王堃").expect("completed");
    entries += 2;
    // The seal is the journal's own: its digest, its entries, its signer.
    let input = ReportInput::load(&store, &inspection.id).expect("inspection loads");
    assert_eq!(input.record.as_ref().map(|r| r.entries), Some(entries));
    input
}

fn report(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = input(dir.path());
    let options = ReportOptions {
        generated_at: Some("2026-11-23 09:30".into()),
        ..ReportOptions::default()
    };
    // The same inspection not marked 已完成: a draft, watermarked.
    let mut draft = input.clone();
    draft.inspection.status = Progress::InProgress;
    for (what, input) in [("final", &input), ("draft", &draft)] {
        let first = render(input, &options).expect("report renders");
        assert_eq!(first.draft.is_some(), what == "draft");
        println!(
            "report ({what}): township-2022, {} items, {} pages, {} bytes ({:.1} KB); budget < 2 MB",
            input.checklist.item_count(),
            first.pages,
            first.pdf.len(),
            first.pdf.len() as f64 / 1024.0
        );
        assert!(first.pdf.len() < 2 * 1024 * 1024, "over the 2 MB budget");
    }
    let mut group = c.benchmark_group("report");
    group.sample_size(20);
    group.bench_function("township-2022 final report (budget < 60 ms)", |b| {
        b.iter(|| render(&input, &options).expect("report renders"))
    });
    group.bench_function("township-2022 draft with watermark (budget < 60 ms)", |b| {
        b.iter(|| render(&draft, &options).expect("report renders"))
    });
    group.finish();
}

/// The 整改通知书 of the same inspection: its 整改意见 grouped by department, with
/// the lines to sign. Budget: under 100 ms.
fn notice(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = input(dir.path());
    let options = ReportOptions {
        generated_at: Some("2026-11-23 09:30".into()),
        ..ReportOptions::default()
    };
    let first = render_actions(&input, &options).expect("notice renders");
    let actions = pingshen::store::corrective_actions(&input.checklist, &input.assessments);
    println!(
        "整改通知书: {} actions in {} departments, {} pages, {} bytes ({:.1} KB)",
        actions.len(),
        pingshen::store::by_owner(&actions).len(),
        first.pages,
        first.pdf.len(),
        first.pdf.len() as f64 / 1024.0
    );
    let mut group = c.benchmark_group("report");
    group.sample_size(20);
    group.bench_function("township-2022 整改通知书 (budget < 100 ms)", |b| {
        b.iter(|| render_actions(&input, &options).expect("notice renders"))
    });
    group.finish();
}

criterion_group!(benches, report, notice);
criterion_main!(benches);
