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
//! Budget with photos: the same report with 20 phone photos (4000×3000 JPEGs of 3–5
//! MB, made once in set-up with gradients and noise so they compress like real
//! photos) attached to its items, loaded from the store (the photos read, decoded,
//! turned and down-scaled: [`ReportInput::load`]) and rendered, in under 3 s and
//! under 5 MB.
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
    let id = inspection(&store, &[]);
    ReportInput::load(&store, &id).expect("inspection loads")
}

/// The graded, completed township inspection, with `photos` attached (two to an
/// item, from the first); returns its id.
fn inspection(store: &Store, photos: &[std::path::PathBuf]) -> String {
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
                owner: DEPARTMENTS[(n / 6) % DEPARTMENTS.len()].into(),
                due: "2027-01-31".parse().ok(),
                status: ActionStatus::Open,
            }));
        }
        entries += changes.len() as u64;
        store
            .update(&inspection.id, &item.id, &changes, "王堃")
            .expect("grade saved");
        if let Some(pair) = photos.chunks(2).nth(n) {
            store
                .attach(&inspection.id, &item.id, pair, "王堃")
                .expect("photos attached");
            entries += pair.len() as u64;
        }
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
    let input = ReportInput::load(store, &inspection.id).expect("inspection loads");
    assert_eq!(input.record.as_ref().map(|r| r.entries), Some(entries));
    inspection.id
}

/// A phone photo of 4000 × 3000: smooth gradients and shapes (a wall, a window, a
/// tiled floor) with texture at every scale (blotches of 6 px, which survive the
/// down-scaling as a real scene's detail does, and sensor noise per pixel), saved as
/// a phone saves it (JPEG, quality 92): 3–5 MB.
fn phone_photo(seed: u32) -> Vec<u8> {
    let (w, h) = (4000u32, 3000u32);
    // A hash of a position: deterministic noise, -128..128.
    let hash = move |a: u32, b: u32| {
        let mut v = a.wrapping_mul(0x9E37_79B9)
            ^ b.wrapping_mul(0x85EB_CA6B)
            ^ seed.wrapping_mul(0xC2B2_AE35);
        v ^= v >> 15;
        v = v.wrapping_mul(0x2C1B_3C6D);
        v ^= v >> 12;
        (v >> 24) as i32 - 128
    };
    let (cx, cy) = ((seed * 397 % w) as i32, (seed * 211 % h) as i32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (xi, yi) = (x as i32, y as i32);
        let base = [
            60 + (x * 140 / w) as i32,
            80 + (y * 120 / h) as i32,
            90 + ((x + y) * 80 / (w + h)) as i32 + (seed as i32 % 40),
        ];
        let window = (xi - cx).abs() < 500 && (yi - cy).abs() < 350;
        let floor = yi > 2200 + (xi / 20) % 40;
        let tile = ((x / 37 + y / 41) % 2) as i32 * 14;
        let blotch = hash(x / 6, y / 6) / 7;
        let grain = hash(x, y) / 10;
        let mut px = [0u8; 3];
        for (c, p) in px.iter_mut().enumerate() {
            let mut v = base[c] + blotch + grain + if floor { tile - 40 } else { 0 };
            if window {
                v = 225 + blotch / 3 + grain / 2;
            }
            *p = v.clamp(0, 255) as u8;
        }
        image::Rgb(px)
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&img)
        .expect("photo encodes");
    out
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

fn report_with_photos(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("photos");
    std::fs::create_dir_all(&folder).expect("photo folder");
    let photos: Vec<std::path::PathBuf> = (0..20)
        .map(|i| {
            let p = folder.join(format!("IMG_{:04}.jpg", 2031 + i));
            std::fs::write(&p, phone_photo(i + 1)).expect("photo written");
            p
        })
        .collect();
    let sizes: Vec<u64> = photos
        .iter()
        .map(|p| std::fs::metadata(p).expect("photo").len())
        .collect();
    let store = Store::open(&dir.path().join("data")).expect("store opens");
    let id = inspection(&store, &photos);
    let options = ReportOptions {
        generated_at: Some("2026-11-23 09:30".into()),
        ..ReportOptions::default()
    };
    let load_and_render = || {
        let input = ReportInput::load(&store, &id).expect("inspection loads");
        render(&input, &options).expect("report renders")
    };
    let first = load_and_render();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "report with 20 photos (4000×3000 JPEG, {:.1}–{:.1} MB each, {:.0} MB in all): {} pages, {} bytes ({:.2} MB); budget < 5 MB; decoded on {} thread(s)",
        *sizes.iter().min().expect("photos") as f64 / 1048576.0,
        *sizes.iter().max().expect("photos") as f64 / 1048576.0,
        sizes.iter().sum::<u64>() as f64 / 1048576.0,
        first.pages,
        first.pdf.len(),
        first.pdf.len() as f64 / 1048576.0,
        cores.min(pingshen::report::photos::WORKERS),
    );
    assert!(first.pdf.len() < 5 * 1024 * 1024, "over the 5 MB budget");
    let input = ReportInput::load(&store, &id).expect("inspection loads");
    let thumbs: Vec<usize> = input
        .files
        .values()
        .filter_map(|v| match v {
            pingshen::report::photos::EvidenceView::Photo(t) => Some(t.jpeg.len()),
            _ => None,
        })
        .collect();
    assert_eq!(thumbs.len(), 20, "every photo shown");
    println!(
        "thumbnails: {} of {}×{} px, {:.0}–{:.0} KB, {:.0} KB on average",
        thumbs.len(),
        pingshen::report::photos::LONG_SIDE,
        pingshen::report::photos::LONG_SIDE * 3 / 4,
        *thumbs.iter().min().expect("thumbnails") as f64 / 1024.0,
        *thumbs.iter().max().expect("thumbnails") as f64 / 1024.0,
        thumbs.iter().sum::<usize>() as f64 / 1024.0 / thumbs.len() as f64,
    );
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(20));
    group.bench_function(
        "township-2022 with 20 photos: load and render (budget < 3 s)",
        |b| b.iter(load_and_render),
    );
    group.bench_function("township-2022 with 20 photos: render only", |b| {
        b.iter(|| render(&input, &options).expect("report renders"))
    });
    group.finish();
}

criterion_group!(benches, report, notice, report_with_photos);
criterion_main!(benches);
