//! Facilities as records (机构): name, 区县, type, 统一社会信用代码 or 机构代码, 负责人,
//! whether it is a 社区医院 and since when, 服务人口 and staff. An inspection refers to
//! its facility by id; the inspection keeps its own copy of the name, region and
//! head as they were on the day (that is what its report prints).
//!
//! This file decides what a facility may hold (one gate: [`FacilityDraft::checked`]
//! and [`check_facility`], for what is typed and for what a register file holds) and
//! when two names are the same facility written differently ([`same_key`]).

use serde::{Deserialize, Serialize};

use super::gate::SHORT_TEXT_MAX;
use crate::district::{TOWNSHIP_SUBTYPES, is_township_kind};
use crate::text::clean_line;
use crate::time::Date;

/// One facility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    /// 10 hex digits, unique across laptops.
    pub id: String,
    /// 机构名称
    pub name: String,
    /// 所在区县
    pub region: String,
    /// 机构类型: 社区卫生服务中心, 乡镇卫生院, … (the checklists' institution types)
    pub kind: String,
    /// For a 卫生院: 中心卫生院 or 一般卫生院; empty when not known or not one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subtype: String,
    /// 统一社会信用代码 (18) or 组织机构代码 (9), checked; empty when not known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    /// 机构负责人
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub head: String,
    /// 联系电话
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
    /// A 社区医院 since this date (named, the licence endorsed); `None`: not one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community_hospital: Option<Date>,
    /// 服务人口
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u32>,
    /// 卫生技术人员数 (staff count)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<u32>,
}

/// Largest 服务人口 accepted (a district's whole population is far less).
pub const POPULATION_MAX: u32 = 10_000_000;
/// Largest staff count accepted.
pub const STAFF_MAX: u32 = 100_000;

impl Facility {
    /// A facility with id `id` and nothing else yet (a draft fills it in).
    pub fn blank(id: String) -> Facility {
        Facility {
            id,
            name: String::new(),
            region: String::new(),
            kind: String::new(),
            subtype: String::new(),
            code: String::new(),
            head: String::new(),
            phone: String::new(),
            community_hospital: None,
            population: None,
            staff: None,
        }
    }

    /// 社区医院 as shown: 是（2024-06-01 起）, or empty.
    pub fn community_hospital_text(&self) -> String {
        self.community_hospital
            .map(|d| format!("是（{d} 起）"))
            .unwrap_or_default()
    }

    /// The type as shown: 乡镇卫生院（中心卫生院）.
    pub fn kind_text(&self) -> String {
        if self.subtype.is_empty() {
            self.kind.clone()
        } else {
            format!("{}（{}）", self.kind, self.subtype)
        }
    }
}

/// A facility's fields as typed (the CLI's flags, the TUI's form); each `None` leaves
/// the field as it is when editing. Text `-` clears an optional field.
#[derive(Debug, Clone, Default)]
pub struct FacilityDraft {
    pub name: Option<String>,
    pub region: Option<String>,
    pub kind: Option<String>,
    pub subtype: Option<String>,
    pub code: Option<String>,
    pub head: Option<String>,
    pub phone: Option<String>,
    /// A date (社区医院 since), or `-`: not a 社区医院.
    pub community_hospital: Option<String>,
    pub population: Option<String>,
    pub staff: Option<String>,
}

impl FacilityDraft {
    /// A draft of the facility an inspection was typed with.
    pub fn of_institution(i: &super::model::Institution) -> FacilityDraft {
        FacilityDraft {
            name: Some(i.name.clone()),
            region: Some(i.region.clone()),
            kind: Some(i.kind.clone()),
            head: Some(i.head.clone()),
            phone: Some(i.phone.clone()),
            ..FacilityDraft::default()
        }
    }

    /// Whether any field is given.
    pub fn is_empty(&self) -> bool {
        [
            &self.name,
            &self.region,
            &self.kind,
            &self.subtype,
            &self.code,
            &self.head,
            &self.phone,
            &self.community_hospital,
            &self.population,
            &self.staff,
        ]
        .iter()
        .all(|f| f.is_none())
    }

    /// `base` with this draft's fields put in, cleaned and checked: every problem in
    /// one sentence, field by field.
    pub fn checked(&self, base: &Facility) -> Result<Facility, String> {
        let mut f = base.clone();
        let mut problems = Vec::new();
        let text = |v: &Option<String>, into: &mut String| {
            if let Some(v) = v {
                *into = if v.trim() == "-" {
                    String::new()
                } else {
                    clean_line(v)
                };
            }
        };
        text(&self.name, &mut f.name);
        text(&self.region, &mut f.region);
        text(&self.kind, &mut f.kind);
        text(&self.subtype, &mut f.subtype);
        text(&self.head, &mut f.head);
        text(&self.phone, &mut f.phone);
        if let Some(code) = &self.code {
            f.code = if code.trim() == "-" {
                String::new()
            } else {
                code.chars()
                    .filter(|c| !c.is_whitespace() && *c != '-')
                    .flat_map(char::to_uppercase)
                    .collect()
            };
        }
        if let Some(since) = &self.community_hospital {
            f.community_hospital = if since.trim() == "-" {
                None
            } else {
                match super::inspections::parse_date(since) {
                    Ok(d) => Some(d),
                    Err(why) => {
                        problems.push(format!("社区医院命名日期：{why}"));
                        None
                    }
                }
            };
        }
        for (label, value, max, into) in [
            (
                "服务人口",
                &self.population,
                POPULATION_MAX,
                &mut f.population,
            ),
            ("卫生技术人员数", &self.staff, STAFF_MAX, &mut f.staff),
        ] {
            if let Some(v) = value {
                match number(v, max) {
                    Ok(n) => *into = n,
                    Err(why) => problems.push(format!("{label}：{why}")),
                }
            }
        }
        problems.extend(problems_of(&f));
        if problems.is_empty() {
            Ok(f)
        } else {
            Err(format!("机构信息有误：{}。", problems.join("；")))
        }
    }
}

/// A count as typed: digits (full-width too, 万 not understood), or `-` for unknown.
fn number(text: &str, max: u32) -> Result<Option<u32>, String> {
    let t: String = crate::text::search::fold(text.trim())
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    if t == "-" || t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(n) if n <= max => Ok(Some(n)),
        Ok(_) => Err(format!("超过 {max}，请检查是否多写了位数")),
        Err(_) => Err(format!("「{}」不是整数，请只写数字，如 12000", text.trim())),
    }
}

/// Every problem of a facility as it would be kept (the same rules for what is typed
/// and for what a register file holds).
fn problems_of(f: &Facility) -> Vec<String> {
    let mut out = Vec::new();
    if f.name.is_empty() {
        out.push("机构名称必填".to_string());
    }
    if f.region.is_empty() {
        out.push("所在区县必填，如 北京市东城区".to_string());
    }
    if f.kind.is_empty() {
        out.push("机构类型必填，如 社区卫生服务中心、乡镇卫生院".to_string());
    }
    for (label, value) in [
        ("机构名称", &f.name),
        ("所在区县", &f.region),
        ("机构类型", &f.kind),
        ("机构负责人", &f.head),
        ("联系电话", &f.phone),
    ] {
        if value.chars().count() > SHORT_TEXT_MAX {
            out.push(format!("{label}太长：最多 {SHORT_TEXT_MAX} 个字"));
        }
        if clean_line(value) != *value {
            out.push(format!("{label}含有控制字符或多余的空白"));
        }
    }
    if !f.subtype.is_empty() {
        if !TOWNSHIP_SUBTYPES.contains(&f.subtype.as_str()) {
            out.push(format!(
                "卫生院级别只能是 {}（或留空）",
                TOWNSHIP_SUBTYPES.join(" 或 ")
            ));
        } else if !is_township_kind(&f.kind) {
            out.push(format!(
                "「{}」只用于卫生院，{} 不是卫生院",
                f.subtype, f.kind
            ));
        }
    }
    if !f
        .phone
        .chars()
        .all(|c| c.is_ascii_digit() || " -+()（）".contains(c))
    {
        out.push("联系电话只能包含数字、空格和 - + ( )".to_string());
    }
    if !f.code.is_empty()
        && let Err(why) = check_code(&f.code)
    {
        out.push(why);
    }
    if f.population.is_some_and(|n| n > POPULATION_MAX) {
        out.push(format!("服务人口超过 {POPULATION_MAX}"));
    }
    if f.staff.is_some_and(|n| n > STAFF_MAX) {
        out.push(format!("卫生技术人员数超过 {STAFF_MAX}"));
    }
    out
}

/// A facility from a file (a register, a bundle): refused whole, with why, unless it
/// holds only what [`FacilityDraft::checked`] would have let in.
pub fn check_facility(f: &Facility) -> Result<(), String> {
    if !is_facility_id(&f.id) {
        return Err(format!(
            "机构编号「{}」格式不正确（应为 10 位十六进制数字）",
            crate::text::for_terminal_line(&f.id)
        ));
    }
    let problems = problems_of(f);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("；"))
    }
}

/// A facility id: 10 lowercase hex digits.
pub fn is_facility_id(id: &str) -> bool {
    super::gate::is_inspection_id(id)
}

/// 统一社会信用代码 (GB 32100-2015: 18 characters, the last a check character) or
/// 组织机构代码 (GB 11714-1997: 8 characters and a check character), uppercase, without
/// spaces or hyphens. The check characters are computed as the standards say: the
/// weights and alphabets are short and fixed, so they are written here rather than
/// taken from a crate.
pub fn check_code(code: &str) -> Result<(), String> {
    const USCC: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const USCC_WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let chars: Vec<char> = code.chars().collect();
    let shown = crate::text::for_terminal_line(code);
    match chars.len() {
        18 => {
            let mut sum = 0;
            for (i, c) in chars[..17].iter().enumerate() {
                let Some(v) = USCC.find(*c) else {
                    return Err(format!(
                        "统一社会信用代码「{shown}」第 {} 位「{c}」不是可用的字符（数字和除 I、O、Z、S、V 外的大写字母）",
                        i + 1
                    ));
                };
                sum += v as u32 * USCC_WEIGHTS[i];
            }
            let check = (31 - sum % 31) % 31;
            let want = USCC.chars().nth(check as usize).unwrap_or('0');
            if chars[17] == want {
                Ok(())
            } else {
                Err(format!(
                    "统一社会信用代码「{shown}」的校验位不对（按前 17 位应为 {want}）：请对照执业许可证或营业执照核对"
                ))
            }
        }
        9 => {
            let mut sum = 0;
            for (i, c) in chars[..8].iter().enumerate() {
                let v = match c {
                    '0'..='9' => *c as u32 - '0' as u32,
                    'A'..='Z' => *c as u32 - 'A' as u32 + 10,
                    _ => {
                        return Err(format!(
                            "组织机构代码「{shown}」第 {} 位「{c}」应为数字或大写字母",
                            i + 1
                        ));
                    }
                };
                sum += v * ORG_WEIGHTS[i];
            }
            let want = match 11 - sum % 11 {
                10 => 'X',
                11 => '0',
                n => char::from_digit(n, 10).unwrap_or('0'),
            };
            if chars[8] == want {
                Ok(())
            } else {
                Err(format!(
                    "组织机构代码「{shown}」的校验位不对（按前 8 位应为 {want}）：请核对"
                ))
            }
        }
        n => Err(format!(
            "代码「{shown}」有 {n} 位：统一社会信用代码是 18 位，组织机构代码是 9 位（如 12345678-9）"
        )),
    }
}

/// What two spellings of one facility share: name and region without any spaces,
/// full-width letters, digits and brackets folded (（ → (), lowercase. Two groups with
/// the same key and different spellings are near-duplicates, for the user to confirm.
pub fn same_key(name: &str, region: &str) -> String {
    let fold = |t: &str| -> String {
        crate::text::search::fold(t)
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect()
    };
    format!("{}\u{0}{}", fold(region), fold(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_with_right_and_wrong_check_characters() {
        // The example in GB 32100-2015's explanatory material.
        assert_eq!(check_code("91350100M000100Y43"), Ok(()));
        assert!(check_code("91350100M000100Y44").is_err());
        // GB 11714's example D2143569: 13×3+2×7+1×9+4×10+3×5+5×8+6×4+9×2 = 199, 11 − 199 mod 11 = 10 → X.
        assert_eq!(check_code("D2143569X"), Ok(()));
        assert!(check_code("D21435692").unwrap_err().contains("应为 X"));
        assert!(check_code("12345").unwrap_err().contains("5 位"));
        assert!(
            check_code("9135010OM000100Y43")
                .unwrap_err()
                .contains("第 8 位")
        );
    }

    #[test]
    fn near_duplicates_fold_spaces_and_full_width() {
        assert_eq!(
            same_key("青山镇卫生院（东院）", "某县"),
            same_key(" 青山镇 卫生院(东院)", "某县 ")
        );
        assert_ne!(
            same_key("青山镇卫生院", "某县"),
            same_key("青山镇卫生院", "另县")
        );
        assert_eq!(same_key("ＡＢ社区", "x"), same_key("ab社区", "x"));
    }

    #[test]
    fn a_draft_is_checked_field_by_field() {
        let base = Facility::blank("0123456789".into());
        let draft = FacilityDraft {
            name: Some("青山镇卫生院".into()),
            region: Some("某县".into()),
            kind: Some("社区卫生服务中心".into()),
            subtype: Some("中心卫生院".into()),
            population: Some("１２０００".into()),
            staff: Some("很多".into()),
            ..FacilityDraft::default()
        };
        let err = draft.checked(&base).unwrap_err();
        assert!(err.contains("卫生技术人员数：「很多」不是整数"), "{err}");
        assert!(err.contains("只用于卫生院"), "{err}");
        let ok = FacilityDraft {
            kind: Some("乡镇卫生院".into()),
            staff: Some("8".into()),
            code: Some("d2143569-x".into()),
            ..draft
        }
        .checked(&base)
        .unwrap();
        assert_eq!(ok.population, Some(12000));
        assert_eq!(ok.code, "D2143569X");
        assert_eq!(ok.kind_text(), "乡镇卫生院（中心卫生院）");
    }
}
