//! Photos in the review report: the 佐证材料 appendix shows each JPEG or PNG as a
//! numbered, captioned thumbnail (down-scaled, the right way up, a small JPEG in the
//! PDF), lists every other file with its name, size and hash, and a corrupt photo
//! does not stop the report. Each 不达标 item names its photos by number. A bundle
//! with photos moved to another laptop gives the same report. Read back with poppler
//! and checked on the layout model. The photos are made here, small.

use crate::report_support;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use pingshen::report::layout::{Layout, Role, Shape};
use pingshen::report::{ReportInput, ReportOptions, build_pdf, prepare, write_pdf};
use pingshen::store::{Edit, Inspection, Store};
use report_support::*;

fn options() -> ReportOptions {
    ReportOptions {
        generated_at: Some(GENERATED_AT.into()),
        ..ReportOptions::default()
    }
}

/// pdftotext's text with all white space removed.
fn text_of(pdf: &Path) -> String {
    poppler("pdftotext", &["-nodiag", pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// One image of `pdfimages -list`.
#[derive(Debug, PartialEq)]
struct Listed {
    page: usize,
    width: u32,
    height: u32,
    color: String,
    enc: String,
    bytes: u64,
}

fn images_of(pdf: &Path) -> Vec<Listed> {
    let list = poppler("pdfimages", &["-list", pdf.to_str().unwrap()]);
    list.lines()
        .skip(2)
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            let size = c[14];
            let (n, unit) = size.split_at(size.len() - 1);
            let n: f64 = n.parse().unwrap();
            let bytes = match unit {
                "B" => n,
                "K" => n * 1024.0,
                "M" => n * 1024.0 * 1024.0,
                other => panic!("size unit {other} in {l}"),
            } as u64;
            Listed {
                page: c[0].parse().unwrap(),
                width: c[3].parse().unwrap(),
                height: c[4].parse().unwrap(),
                color: c[5].to_string(),
                enc: c[8].to_string(),
                bytes,
            }
        })
        .collect()
}

/// A photo of `w` × `h` with a gradient and a pattern, as a JPEG.
fn jpeg(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 255 / w) as u8,
            (y * 255 / h) as u8,
            seed.wrapping_mul(37) ^ ((x / 4 + y / 4) % 2 * 90) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        image::Rgba([
            200,
            (x * 4) as u8,
            (y * 4) as u8,
            if x < w / 2 { 255 } else { 0 },
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// `jpeg` with an EXIF block after its start: Orientation `orientation` and the time
/// it was taken, as a phone writes them.
fn with_exif(jpeg: &[u8], orientation: u16, taken: &str) -> Vec<u8> {
    use exif::experimental::Writer;
    use exif::{Field, In, Tag, Value};
    let fields = [
        Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: Value::Short(vec![orientation]),
        },
        Field {
            tag: Tag::DateTimeOriginal,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![taken.as_bytes().to_vec()]),
        },
        Field {
            tag: Tag::OffsetTimeOriginal,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"+08:00".to_vec()]),
        },
    ];
    let mut w = Writer::new();
    for f in &fields {
        w.push_field(f);
    }
    let mut tiff = std::io::Cursor::new(Vec::new());
    w.write(&mut tiff, false).unwrap();
    let tiff = tiff.into_inner();
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&u16::try_from(tiff.len() + 8).unwrap().to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Writes `files` (name, bytes) into a folder of `dir` and returns their paths.
fn folder(dir: &Path, files: &[(&str, Vec<u8>)]) -> Vec<PathBuf> {
    let folder = dir.join("手机照片");
    fs::create_dir_all(&folder).unwrap();
    files
        .iter()
        .map(|(name, bytes)| {
            let p = folder.join(name);
            fs::write(&p, bytes).unwrap();
            p
        })
        .collect()
}

/// A graded township inspection with photos: two on the first 不达标 item (the
/// second tagged Orientation 6, landscape as stored), a PNG with transparency and a
/// PDF on 1.1.1.
/// Returns the store, the inspection and the first 不达标 item.
fn with_photos(dir: &Path) -> (Store, Inspection, String) {
    let store = open(&dir.join("data"));
    let township = shipped("township-2022");
    let insp = create(&store, &township);
    let failing = grade_all(&store, &insp, &township.0, 0, 0);
    let first = failing[0].clone();
    let files = folder(
        dir,
        &[
            ("IMG_0001.jpg", jpeg(80, 60, 1)),
            (
                "IMG_0002.jpg",
                with_exif(&jpeg(96, 48, 2), 6, "2026:11:20 10:15:02"),
            ),
            ("屏幕截图.png", png(40, 30)),
            ("消毒记录.pdf", b"%PDF-1.7\n%not really\n".repeat(40)),
        ],
    );
    store.attach(&insp.id, &first, &files[..2], "王堃").unwrap();
    store
        .attach(&insp.id, "1.1.1", &files[2..], "王堃")
        .unwrap();
    (store, insp, first)
}

fn report_file(store: &Store, id: &str, out: &Path) -> PathBuf {
    let report = build_pdf(store, id, &options()).unwrap();
    write_pdf(out, &report.pdf).unwrap();
    out.to_path_buf()
}

#[test]
fn photos_are_small_jpegs_numbered_and_captioned_and_other_files_are_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, insp, first) = with_photos(tmp.path());
    let pdf = report_file(&store, &insp.id, &tmp.path().join("报告.pdf"));

    let images = images_of(&pdf);
    assert_eq!(images.len(), 3, "{images:?}");
    for i in &images {
        assert_eq!(i.enc, "jpeg", "{i:?}");
        assert_eq!(i.color, "rgb", "{i:?}");
        assert!(i.bytes < 20 * 1024, "{i:?}");
    }
    // All on the appendix's pages, near the end.
    let pages: usize = poppler("pdfinfo", &[pdf.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(images.iter().all(|i| i.page + 3 >= pages), "{images:?}");
    // The photo tagged Orientation 6 (96 × 48 as stored) stands upright.
    assert!(
        images.iter().any(|i| (i.width, i.height) == (48, 96)),
        "{images:?}"
    );
    assert!(images.iter().any(|i| (i.width, i.height) == (80, 60)));
    assert!(images.iter().any(|i| (i.width, i.height) == (40, 30)));

    let text = text_of(&pdf);
    let a = store.assessment(&insp.id, &first).unwrap().unwrap();
    let township = shipped("township-2022");
    let title = &township.0.find_item(&first).unwrap().title;
    // Numbered in checklist order: the PNG on 1.1.1 first. Captions: the number, the
    // item and its title, the name, the hash's start, the time taken (with the
    // photo's own offset) — each a line of the layout; pdftotext finds them all
    // (in an order of its own across the two columns).
    let layout = prepare(&ReportInput::load(&store, &insp.id).unwrap(), &options())
        .unwrap()
        .layout;
    let sha = |n: usize| &a.evidence[n].sha256[..8];
    let first_png = &store
        .assessment(&insp.id, "1.1.1")
        .unwrap()
        .unwrap()
        .evidence[0];
    for (wanted, figure) in [
        ("图 1　1.1.1 功能定位与服务职责".to_string(), 1),
        ("屏幕截图.png".to_string(), 1),
        (format!("sha256 {}", &first_png.sha256[..8]), 1),
        (format!("图 2　{first} {title}"), 2),
        ("IMG_0001.jpg".to_string(), 2),
        (format!("sha256 {}", sha(0)), 2),
        (format!("图 3　{first} {title}"), 3),
        ("IMG_0002.jpg".to_string(), 3),
        (format!("sha256 {} · 拍摄于 2026-11-20 10:15", sha(1)), 3),
    ] {
        let in_caption = layout.pages.iter().flat_map(|p| &p.boxes).any(|b| {
            b.role == Role::Caption { figure }
                && matches!(&b.shape, Shape::Text { text, .. } if *text == wanted)
        });
        assert!(
            in_caption,
            "{wanted} not a line of the caption of 图 {figure}"
        );
        for word in wanted.split_whitespace().filter(|w| *w != "·") {
            assert!(text.contains(word), "{word} not in {text}");
        }
    }
    assert!(!text.contains("图4"));
    // The 不达标 item's row names its photos.
    assert!(text.contains("佐证：图2、图3"), "{text}");
    let listed = &store
        .assessment(&insp.id, "1.1.1")
        .unwrap()
        .unwrap()
        .evidence[1];
    assert_eq!(listed.path, "消毒记录.pdf");
    assert!(text.contains("其他佐证文件"));
    assert!(text.contains("消毒记录.pdf840B"), "{text}");
    assert!(text.contains(listed.sha256.as_str()), "{text}");
    assert!(text.contains("共4份佐证材料，照片3张（图1—图3），其他文件1份。"));
    // No folder of this laptop.
    let root: String = tmp
        .path()
        .display()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(!text.contains(&root), "{root} in the text");
    assert!(!text.contains("手机照片"));
    assert!(!text.contains("/evidence/"));
}

#[test]
fn a_corrupt_photo_and_a_missing_file_are_listed_and_the_report_still_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(&tmp.path().join("data"));
    let township = shipped("township-2022");
    let insp = create(&store, &township);
    grade_all(&store, &insp, &township.0, 0, 0);
    let mut broken = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    broken.extend(b"JFIF\0 this is no photo ".repeat(50));
    let files = folder(
        tmp.path(),
        &[
            ("坏照片.jpg", broken),
            ("IMG_0003.jpg", jpeg(64, 48, 3)),
            ("假的.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
        ],
    );
    store.attach(&insp.id, "1.1.1", &files, "王堃").unwrap();
    // One kept file goes missing from the data dir (as after an export without files).
    let gone = &store
        .assessment(&insp.id, "1.1.1")
        .unwrap()
        .unwrap()
        .evidence[1];
    fs::remove_file(store.evidence_file(&gone.sha256).unwrap()).unwrap();

    let pdf = report_file(&store, &insp.id, &tmp.path().join("报告.pdf"));
    assert!(images_of(&pdf).is_empty());
    let text = text_of(&pdf);
    assert!(text.contains("坏照片.jpg（无法显示）"), "{text}");
    assert!(text.contains("假的.png（无法显示）"), "{text}");
    assert!(
        text.contains("IMG_0003.jpg缺失（本机没有这个文件）"),
        "{text}"
    );
    assert!(text.contains(&gone.sha256), "{text}");
    assert!(!text.contains("图1"));
}

/// Runs pingshen on data dir `data`, expecting success.
fn pingshen(data: &Path, args: &[&str]) {
    Command::cargo_bin("pingshen")
        .unwrap()
        .env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "王堃")
        .env_remove("PINGSHEN_CHECKLIST_DIR")
        .args(args)
        .assert()
        .success();
}

#[test]
fn a_bundle_with_photos_moved_to_another_laptop_gives_the_same_report() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, insp, _) = with_photos(tmp.path());
    let here = report_file(&store, &insp.id, &tmp.path().join("这里.pdf"));
    drop(store);
    let data = tmp.path().join("data");
    let full = tmp.path().join("带照片.pingshen");
    let small = tmp.path().join("记录.pingshen");
    pingshen(&data, &["export", &insp.id, "-o", full.to_str().unwrap()]);
    pingshen(
        &data,
        &[
            "export",
            &insp.id,
            "--without-files",
            "-o",
            small.to_str().unwrap(),
        ],
    );

    // Imported whole on one laptop; on another the record first, without its files,
    // then merged with the bundle that has them.
    let lead = tmp.path().join("组长");
    pingshen(&lead, &["import", "--trust", full.to_str().unwrap()]);
    let other = tmp.path().join("另一台");
    pingshen(&other, &["import", "--trust", small.to_str().unwrap()]);
    let before = report_file(&open(&other), &insp.id, &tmp.path().join("缺照片.pdf"));
    assert!(images_of(&before).is_empty());
    assert!(text_of(&before).contains("缺失（本机没有这个文件）"));
    pingshen(&other, &["merge", "--trust", full.to_str().unwrap()]);

    let text = text_of(&here);
    let count = images_of(&here).len();
    assert_eq!(count, 3);
    for (name, dir) in [("组长", &lead), ("另一台", &other)] {
        let there = report_file(
            &open(dir),
            &insp.id,
            &tmp.path().join(format!("{name}.pdf")),
        );
        assert_eq!(text_of(&there), text, "{name}");
        assert_eq!(images_of(&there).len(), count, "{name}");
        assert_eq!(images_of(&there), images_of(&here), "{name}");
    }
}

/// For every figure of `layout`: the photo and its caption on one page, the caption
/// under the photo, both above the page's foot. Returns the figures' pages.
fn figures_with_captions(layout: &Layout) -> Vec<(usize, usize)> {
    let foot = layout.geometry.content_bottom() + 1e-3;
    let mut found = Vec::new();
    for (p, page) in layout.pages.iter().enumerate() {
        for b in &page.boxes {
            match (&b.role, &b.shape) {
                (Role::Figure { figure }, Shape::Image { .. }) => {
                    assert!(b.y + b.h <= foot, "图 {figure} below the foot");
                    let captions: Vec<_> = page
                        .boxes
                        .iter()
                        .filter(|c| c.role == Role::Caption { figure: *figure })
                        .collect();
                    assert!(
                        !captions.is_empty(),
                        "图 {figure} without its caption on page {p}"
                    );
                    for c in &captions {
                        assert!(c.y >= b.y + b.h && c.y + c.h <= foot, "图 {figure}");
                    }
                    found.push((*figure, p));
                }
                (Role::Caption { figure }, _) => {
                    assert!(
                        page.boxes
                            .iter()
                            .any(|i| i.role == Role::Figure { figure: *figure }),
                        "the caption of 图 {figure} without its photo on page {p}"
                    );
                }
                _ => {}
            }
        }
    }
    found
}

#[test]
fn no_page_ends_with_a_photo_without_its_caption() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(&tmp.path().join("data"));
    let township = shipped("township-2022");
    let insp = create(&store, &township);
    grade_all(&store, &insp, &township.0, 0, 0);
    // Eleven photos, some portrait, one with a long name, on three items.
    let files: Vec<(String, Vec<u8>)> = (0..11u32)
        .map(|i| {
            let (w, h) = if i % 3 == 1 { (45, 60) } else { (80, 60) };
            let name = if i == 4 {
                format!("{}.jpg", "发热门诊候诊区现场照片".repeat(4))
            } else {
                format!("IMG_{i:04}.jpg")
            };
            (name, jpeg(w, h, i as u8))
        })
        .collect();
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let paths = folder(tmp.path(), &files);
    store
        .attach(&insp.id, "1.1.1", &paths[..4], "王堃")
        .unwrap();
    store
        .attach(&insp.id, "1.1.2", &paths[4..9], "王堃")
        .unwrap();
    store
        .attach(&insp.id, "2.1.1", &paths[9..], "王堃")
        .unwrap();
    // The appendix starts lower and lower on its page as a note in the item table
    // before it grows.
    let mut seen_pages = std::collections::BTreeSet::new();
    for chars in [0, 150, 300, 450, 600, 750, 900] {
        if chars > 0 {
            store
                .update(&insp.id, "1.1.3", &[Edit::Note(long_note(chars))], "王堃")
                .unwrap();
        }
        let input = ReportInput::load(&store, &insp.id).unwrap();
        let layout = prepare(&input, &options()).unwrap().layout;
        let found = figures_with_captions(&layout);
        assert_eq!(
            found.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            (1..=11).collect::<Vec<_>>(),
            "{chars}"
        );
        seen_pages.extend(
            found
                .windows(2)
                .filter(|w| w[0].1 != w[1].1)
                .map(|w| w[1].0),
        );
    }
    // Page breaks fell before different figures: the rule was tried.
    assert!(seen_pages.len() >= 2, "{seen_pages:?}");
}
