//! The record seal in the review report: printed on the signature page, kept in the
//! PDF's document information, read back by `read_seal`; and `read_seal` on PDFs
//! that are not sealed reports, damaged or hostile.

use crate::report_support;

use std::path::Path;

use pingshen::report::seal::{KEY_ENTRIES, KEY_FORMAT, KEY_HEAD, KEY_SIGNERS, PDF_MAX};
use pingshen::report::{
    RecordSeal, ReportError, ReportInput, ReportOptions, SealError, Signer, read_seal, render,
};
use report_support::*;

const HEAD: &str = "3f2a9c1d0e4b5a69f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281";

fn options() -> ReportOptions {
    ReportOptions {
        generated_at: Some(GENERATED_AT.into()),
        ..ReportOptions::default()
    }
}

fn signer(name: &str, fingerprint: &str) -> Signer {
    Signer {
        name: name.into(),
        fingerprint: fingerprint.into(),
    }
}

fn seal(signers: Vec<Signer>) -> RecordSeal {
    RecordSeal {
        head: HEAD.into(),
        entries: 128,
        signers,
    }
}

/// A graded inspection of a small generated checklist, ready to report.
fn input(dir: &Path) -> ReportInput {
    let store = open(&dir.join("data"));
    let small = generated(12);
    let insp = create(&store, &small);
    grade_all(&store, &insp, &small.0, 0, 0);
    ReportInput::load(&store, &insp.id).unwrap()
}

fn sealed_pdf(dir: &Path, record: Option<RecordSeal>) -> Vec<u8> {
    let mut input = input(dir);
    input.record = record;
    render(&input, &options()).unwrap().pdf
}

/// pdftotext's text with all white space removed.
fn text_of(pdf: &Path) -> String {
    poppler("pdftotext", &["-nodiag", pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn s(text: &str) -> lopdf::Object {
    lopdf::Object::string_literal(text)
}

/// A change to a PDF's Info dictionary.
type Edit = Box<dyn FnOnce(&mut lopdf::Dictionary)>;

/// The report with its Info dictionary changed by `edit`, as another tool would.
fn edited(pdf: &[u8], edit: impl FnOnce(&mut lopdf::Dictionary)) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(pdf).unwrap();
    let id = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    edit(doc.get_dictionary_mut(id).unwrap());
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_sealed_report_reads_back_its_seal_and_prints_it_on_the_signature_page() {
    let dir = tempfile::tempdir().unwrap();
    let record = seal(vec![
        signer("王喆", "AB12 CD34"),
        signer("李四", "9F00 1A2B"),
        signer("张彧", ""),
    ]);
    let pdf = sealed_pdf(dir.path(), Some(record.clone()));
    assert_eq!(read_seal(&pdf).unwrap(), Some(record));

    let out = dir.path().join("报告.pdf");
    std::fs::write(&out, &pdf).unwrap();
    let text = text_of(&out);
    let line = "记录摘要3f2a9c1d0e4b5a69…（共128条记录）；签名王喆（密钥AB12CD34）、李四（密钥9F001A2B）、张彧（迁移记录，未签名）";
    assert!(text.contains(line), "{text}");
    // On the signature page, above the lines to sign.
    let seal_at = text.find("记录摘要").unwrap();
    assert!(text.find("评审签字").unwrap() < seal_at);
    assert!(seal_at < text.rfind("签字：").unwrap());

    // Another reader (poppler) decodes the same keys: the signers' text string is
    // UTF-16BE with its byte-order mark.
    let info = poppler("pdfinfo", &["-custom", out.to_str().unwrap()]);
    assert!(info.contains(&format!("{KEY_HEAD}:")), "{info}");
    assert!(info.contains(HEAD), "{info}");
    assert!(info.contains("128"), "{info}");
    assert!(
        info.contains(r#"{"name":"王喆","fingerprint":"AB12 CD34"}"#),
        "{info}"
    );
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let id = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let signers = doc
        .get_dictionary(id)
        .unwrap()
        .get(KEY_SIGNERS.as_bytes())
        .unwrap()
        .as_str()
        .unwrap();
    assert!(signers.starts_with(b"\xFE\xFF"), "{signers:?}");
}

#[test]
fn a_seal_without_signers_and_ascii_names_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = input(dir.path());
    for record in [
        seal(Vec::new()),
        seal(vec![signer("Li Si", "0123 4567 89AB CDEF")]),
    ] {
        input.record = Some(record.clone());
        let pdf = render(&input, &options()).unwrap().pdf;
        assert_eq!(read_seal(&pdf).unwrap(), Some(record));
    }
}

#[test]
fn a_report_without_a_seal_prints_nothing_extra_and_reads_as_none() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = sealed_pdf(dir.path(), None);
    assert_eq!(read_seal(&pdf).unwrap(), None);
    let out = dir.path().join("报告.pdf");
    std::fs::write(&out, &pdf).unwrap();
    assert!(!text_of(&out).contains("记录摘要"));
    // No seal key at all.
    assert!(!String::from_utf8_lossy(&pdf).contains("PingshenRecord"));
    // A caller that needs a seal says what this PDF is.
    let e = read_seal(&pdf)
        .unwrap()
        .ok_or(SealError::NoSeal)
        .unwrap_err();
    assert!(e.to_string().contains("不是带记录摘要的 pingshen 评审报告"));
}

#[test]
fn a_seal_that_could_not_be_read_back_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = input(dir.path());
    let bad = [
        (
            RecordSeal {
                head: HEAD.to_uppercase(),
                ..seal(Vec::new())
            },
            "64 位小写十六进制",
        ),
        (
            RecordSeal {
                head: HEAD[..63].into(),
                ..seal(Vec::new())
            },
            "64 位小写十六进制",
        ),
        (
            RecordSeal {
                entries: 0,
                ..seal(Vec::new())
            },
            "记录条数为 0",
        ),
        (seal(vec![signer("", "AB12 CD34")]), "姓名为空"),
        (seal(vec![signer("王喆\n", "AB12 CD34")]), "换行"),
        (seal(vec![signer("王喆", "ab12 cd34")]), "密钥指纹"),
        (seal(vec![signer("王喆", "AB12  CD34")]), "密钥指纹"),
        (seal(vec![signer("王喆", "AB12CD34")]), "密钥指纹"),
    ];
    for (record, why) in bad {
        input.record = Some(record.clone());
        match render(&input, &options()) {
            Err(e @ ReportError::Seal { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains(why) && msg.contains("报告没有生成"), "{msg}");
            }
            other => panic!("{record:?} was not refused: {:?}", other.map(|r| r.pages)),
        }
    }
}

#[test]
fn a_seal_changed_after_the_report_was_made_is_reported_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = sealed_pdf(dir.path(), Some(seal(vec![signer("王喆", "AB12 CD34")])));
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|d| d.set(KEY_HEAD, s("3f2a"))),
            "64 位小写十六进制",
        ),
        (
            Box::new(|d| d.set(KEY_HEAD, lopdf::Object::Integer(7))),
            "64 位",
        ),
        (
            Box::new(|d| d.set(KEY_HEAD, lopdf::Object::Name(b"x".to_vec()))),
            "应为文本字符串",
        ),
        (Box::new(|d| d.set(KEY_ENTRIES, s("12x"))), "不是数字"),
        (Box::new(|d| d.set(KEY_ENTRIES, s("-3"))), "不是数字"),
        (
            Box::new(|d| d.set(KEY_ENTRIES, s("99999999999999999999999"))),
            "过大",
        ),
        (
            Box::new(|d| d.set(KEY_SIGNERS, s("王喆"))),
            "不是签名人列表",
        ),
        (
            Box::new(|d| {
                d.set(
                    KEY_SIGNERS,
                    lopdf::text_string(r#"[{"name":"王喆","fingerprint":"zz"}]"#),
                )
            }),
            "密钥指纹",
        ),
        (
            Box::new(|d| d.set(KEY_SIGNERS, s(r#"[{"name":" \u0007 ","fingerprint":""}]"#))),
            "姓名为空",
        ),
        (
            Box::new(|d| {
                d.remove(KEY_ENTRIES.as_bytes());
            }),
            "缺少 PingshenRecordEntries",
        ),
        (Box::new(|d| d.set(KEY_FORMAT, s("x"))), "应为 1"),
    ];
    for (edit, why) in cases {
        match read_seal(&edited(&pdf, edit)) {
            Err(e @ SealError::Damaged { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains(why) && msg.contains("重新生成"), "{msg}");
            }
            other => panic!("not refused as damaged ({why}): {other:?}"),
        }
    }
    // A later format is named as such.
    let newer = edited(&pdf, |d| d.set(KEY_FORMAT, s("2")));
    assert!(matches!(
        read_seal(&newer),
        Err(SealError::NewerFormat { .. })
    ));
    // Names are cleaned as the store cleans them.
    let messy = edited(&pdf, |d| {
        d.set(
            KEY_SIGNERS,
            lopdf::text_string("[{\"name\":\" 王\\u001b[2J喆\\t\",\"fingerprint\":\"\"}]"),
        )
    });
    let read = read_seal(&messy).unwrap().unwrap();
    assert_eq!(read.signers, [signer("王[2J喆", "")]);
}

#[test]
fn what_is_not_a_pdf_or_is_cut_short_is_refused_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = sealed_pdf(dir.path(), Some(seal(vec![signer("王喆", "AB12 CD34")])));

    let not_pdf = |bytes: &[u8]| match read_seal(bytes) {
        Err(e @ SealError::NotPdf { .. }) => {
            assert!(e.to_string().starts_with("文件不是有效的 PDF（"), "{e}");
        }
        other => panic!("not refused: {other:?}"),
    };
    not_pdf(b"");
    not_pdf(b"%PDF-");
    not_pdf(b"%PDF-1.7\n%%EOF\n");
    not_pdf("评审报告.pdf".as_bytes());
    // Random bytes, with and without a header (a fixed xorshift: reproducible).
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut random = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    };
    for n in [1, 100, 10_000] {
        not_pdf(&random(n));
        let mut with_header = b"%PDF-1.3\n".to_vec();
        with_header.extend(random(n));
        not_pdf(&with_header);
    }
    // Cut short: the cross-reference table and the trailer are gone.
    not_pdf(&pdf[..pdf.len() / 2]);
    not_pdf(&pdf[..pdf.len() * 9 / 10]);

    // Cut anywhere, or with bytes changed anywhere: an answer, never a panic.
    for cut in (0..pdf.len()).step_by(pdf.len() / 60 + 1) {
        let _ = read_seal(&pdf[..cut]);
    }
    for at in (0..pdf.len()).step_by(pdf.len() / 60 + 1) {
        let mut bad = pdf.clone();
        for b in &mut bad[at..(at + 16).min(pdf.len())] {
            *b = b.wrapping_add(0x5A);
        }
        let _ = read_seal(&bad);
    }
}

#[test]
fn a_file_over_200_mb_is_refused_unread() {
    // Zeroed memory: the allocator maps it without touching it.
    let big = vec![0u8; PDF_MAX + 1];
    match read_seal(&big) {
        Err(e @ SealError::TooLarge { .. }) => assert!(e.to_string().contains("200 MB")),
        other => panic!("not refused: {other:?}"),
    }
}
