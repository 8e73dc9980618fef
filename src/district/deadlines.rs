//! `deadlines.toml`: the dates a district's year runs by (申报信息系统 by 8月31日,
//! 区级评审 and 复核 by 9月30日, 附件2 by the 1st of each month from September), written
//! as month and day so they recur each year, and edited by the user since they change.
//!
//! ```toml
//! [[deadline]]
//! name = "“优质服务基层行”活动申报信息系统填报"
//! by = "8月31日"            # or "08-31"
//!
//! [[deadline]]
//! name = "附件2：新建社区医院情况汇总及名单"
//! monthly_by = 1           # by the 1st of each month
//! from_month = 9           # from September
//! until_month = 12         # to December (the default)
//! ```
//!
//! The shipped default ([`SHIPPED`], `assets/deadlines.toml`) holds seed 004's dates;
//! a `deadlines.toml` in the config dir replaces it whole. Both pass the same gate as
//! `targets.toml`. [`Deadlines::due`] lists a year's dates against today.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use toml::de::DeTable;

use crate::checklist::{
    Ctx, Diagnostic, Fields, Span, UserFile, load_user_file, parse_toml, quoted,
};

/// The file's name in the config dir.
pub const DEADLINES_FILE: &str = "deadlines.toml";
/// Largest deadlines file read, in bytes.
pub const DEADLINES_FILE_MAX: usize = 256 * 1024;
/// The shipped default, seed 004's dates (Beijing 2022).
pub const SHIPPED: &str = include_str!("../../assets/deadlines.toml");
/// Most deadlines in one file.
const DEADLINES_MAX: usize = 200;
const NAME_MAX_CHARS: usize = 100;
const NOTE_MAX_CHARS: usize = 300;

const TOP_KEYS: &[&str] = &["deadline"];
const DEADLINE_KEYS: &[&str] = &[
    "name",
    "by",
    "monthly_by",
    "from_month",
    "until_month",
    "who",
    "note",
];

/// When a deadline falls, every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Once a year, by this month and day.
    Yearly { month: u32, day: u32 },
    /// By this day of each month from `from` to `until` (months, inclusive); in a
    /// month shorter than `day`, by its last day.
    Monthly { day: u32, from: u32, until: u32 },
}

/// One `[[deadline]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub name: String,
    pub when: When,
    pub who: Option<String>,
    pub note: Option<String>,
    /// 1-based line of its `[[deadline]]` header.
    pub line: usize,
}

/// The whole file, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deadlines {
    pub deadlines: Vec<Deadline>,
}

/// One date in a year's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub date: NaiveDate,
    /// Days from today to the date: negative when it has passed.
    pub days_left: i64,
    /// The deadline's name (a monthly one's, every month).
    pub name: String,
    pub who: Option<String>,
    pub note: Option<String>,
}

impl Due {
    /// "还有 16 天", "今天到期", "已过期 3 天".
    pub fn left_said(&self) -> String {
        match self.days_left {
            0 => "今天到期".to_string(),
            n if n > 0 => format!("还有 {n} 天"),
            n => format!("已过期 {} 天", n.unsigned_abs()),
        }
    }
}

impl Deadlines {
    /// The shipped default. It is checked by a test; should it ever not read, the
    /// problems are handed back like a user file's.
    pub fn shipped() -> Result<Deadlines, Vec<Diagnostic>> {
        Deadlines::parse(SHIPPED, "内置的 deadlines.toml")
    }

    /// `deadlines.toml` in `config_dir` through the gate. No config dir or no file is
    /// [`UserFile::Absent`] (then the shipped default applies).
    pub fn load(config_dir: Option<&Path>) -> UserFile<Deadlines> {
        match config_dir {
            Some(dir) => load_user_file(
                &dir.join(DEADLINES_FILE),
                "日程文件",
                DEADLINES_FILE_MAX,
                Deadlines::parse,
            ),
            None => UserFile::Absent,
        }
    }

    /// Checks `text`, a deadlines file named `file` in messages: the deadlines, or
    /// every problem in the file.
    pub fn parse(text: &str, file: &str) -> Result<Deadlines, Vec<Diagnostic>> {
        let mut ctx = Ctx::new(text, file);
        let Some(doc) = parse_toml(&mut ctx, text) else {
            return Err(ctx.into_diagnostics());
        };
        let top = Fields::new(&mut ctx, &doc, 0..0, "日程文件".into(), TOP_KEYS);
        let tables = top.tables(&mut ctx, "deadline", false, "[[deadline]]");
        if let Some((_, span)) = tables.get(DEADLINES_MAX) {
            ctx.error(
                span.clone(),
                format!(
                    "日程文件里有 {} 个事项，最多 {DEADLINES_MAX} 个",
                    tables.len()
                ),
                "删去用不到的事项（从这一个起是多出来的）。",
            );
        }
        let deadlines: Vec<Deadline> = tables
            .into_iter()
            .enumerate()
            .filter_map(|(i, (t, header))| read_deadline(&mut ctx, t, header, i + 1))
            .collect();
        if ctx.has_errors() {
            return Err(ctx.into_diagnostics());
        }
        Ok(Deadlines { deadlines })
    }

    /// Every date of `year`, in date order (on the same date, in file order), with
    /// the days from `today`. A year chrono cannot hold gives nothing.
    pub fn due(&self, year: i32, today: NaiveDate) -> Vec<Due> {
        let mut out: Vec<(NaiveDate, usize, Due)> = Vec::new();
        for (i, d) in self.deadlines.iter().enumerate() {
            let mut add = |date: NaiveDate, name: String| {
                out.push((
                    date,
                    i,
                    Due {
                        date,
                        days_left: (date - today).num_days(),
                        name,
                        who: d.who.clone(),
                        note: d.note.clone(),
                    },
                ));
            };
            match d.when {
                When::Yearly { month, day } => {
                    if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
                        add(date, d.name.clone());
                    }
                }
                When::Monthly { day, from, until } => {
                    for month in from..=until {
                        if let Some(date) = day_in_month(year, month, day) {
                            add(date, d.name.clone());
                        }
                    }
                }
            }
        }
        out.sort_by_key(|(date, i, _)| (*date, *i));
        out.into_iter().map(|(_, _, due)| due).collect()
    }
}

impl When {
    /// "每年8月31日前", "9月至12月，每月1日前".
    pub fn said(&self) -> String {
        match *self {
            When::Yearly { month, day } => format!("每年{month}月{day}日前"),
            When::Monthly { day, from, until } if from == until => {
                format!("每年{from}月{day}日前")
            }
            When::Monthly { day, from, until } => format!("{from}月至{until}月，每月{day}日前"),
        }
    }
}

/// Day `day` of `month`, or the month's last day when it is shorter.
fn day_in_month(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let last = first
        .checked_add_months(chrono::Months::new(1))?
        .pred_opt()?
        .day();
    NaiveDate::from_ymd_opt(year, month, day.min(last))
}

fn read_deadline(ctx: &mut Ctx, t: &DeTable, header: Span, index: usize) -> Option<Deadline> {
    let what = match t.get("name").and_then(|v| v.get_ref().as_str()) {
        Some(name) if !name.trim().is_empty() => format!("事项「{}」", quoted(name.trim())),
        _ => format!("第 {index} 个 [[deadline]] "),
    };
    let line = ctx.line_of(header.start);
    let f = Fields::new(ctx, t, header, what, DEADLINE_KEYS);
    let name = one_line(ctx, &f, "name", "\"区级评审\"", true, NAME_MAX_CHARS);
    let who = one_line(ctx, &f, "who", "\"区卫生健康委\"", false, NAME_MAX_CHARS);
    let note = one_line(ctx, &f, "note", "\"遇法定节日顺延\"", false, NOTE_MAX_CHARS);
    let when = when(ctx, &f);
    Some(Deadline {
        name: name?,
        when: when?,
        who,
        note,
        line,
    })
}

/// `by`, or `monthly_by` with `from_month` and `until_month`.
fn when(ctx: &mut Ctx, f: &Fields) -> Option<When> {
    let monthly_keys = ["from_month", "until_month"];
    match (f.has("by"), f.has("monthly_by")) {
        (true, true) => {
            ctx.error(
                f.span_of("monthly_by"),
                format!("{}同时写了 `by` 和 `monthly_by`", f.what),
                "每年一次的事项写 `by = \"9月30日\"`，每月一次的写 `monthly_by = 1` 和 `from_month = 9`：只写其中一种。",
            );
            None
        }
        (false, false) => {
            ctx.error(
                f.header.clone(),
                format!("{}没有写截止日期：缺少 `by` 或 `monthly_by`", f.what),
                "每年一次的事项加一行 `by = \"9月30日\"`；每月一次的加 `monthly_by = 1`（每月1日前）和 `from_month = 9`（从9月起）。",
            );
            None
        }
        (true, false) => {
            for key in monthly_keys.iter().filter(|k| f.has(k)) {
                ctx.error(
                    f.span_of(key),
                    format!("{}的 `{key}` 只用于每月一次的事项", f.what),
                    "每月一次的事项用 `monthly_by` 代替 `by`；每年一次的事项删去这一行。",
                );
            }
            let (text, span) = f.str_opt(ctx, "by")?;
            match month_day(&text) {
                Ok((month, day)) => Some(When::Yearly { month, day }),
                Err(help) => {
                    ctx.error(
                        span,
                        format!(
                            "{}的 `by` 写的是「{}」，不是每年的日期",
                            f.what,
                            quoted(text.trim())
                        ),
                        help,
                    );
                    None
                }
            }
        }
        (false, true) => {
            let day = number_in(ctx, f, "monthly_by", 1..=31, "1", "每月的几日：1 到 31");
            let from = match f.has("from_month") {
                true => number_in(ctx, f, "from_month", 1..=12, "9", "月份：1 到 12"),
                false => {
                    ctx.error(
                        f.header.clone(),
                        format!("{}每月一次，但没有写从几月起", f.what),
                        "加一行 `from_month = 9`（从9月起）；全年每月都要时写 `from_month = 1`。",
                    );
                    None
                }
            };
            let until = match f.has("until_month") {
                true => number_in(ctx, f, "until_month", 1..=12, "12", "月份：1 到 12"),
                false => Some(12),
            };
            if let (Some(from), Some(until)) = (from, until)
                && until < from
            {
                ctx.error(
                    f.span_of("until_month"),
                    format!(
                        "{}的 `until_month = {until}` 早于 `from_month = {from}`",
                        f.what
                    ),
                    "日程按一年算：`until_month` 写不早于 `from_month` 的月份（到年底写 12）；跨年的事项写成两个。",
                );
                return None;
            }
            Some(When::Monthly {
                day: day?,
                from: from?,
                until: until?,
            })
        }
    }
}

fn number_in(
    ctx: &mut Ctx,
    f: &Fields,
    key: &str,
    range: std::ops::RangeInclusive<i64>,
    example: &str,
    what: &str,
) -> Option<u32> {
    let (n, span) = f.int_opt(ctx, key, example)?;
    if !range.contains(&n) {
        ctx.error(
            span,
            format!("{}的 `{key}` 写的是 {n}", f.what),
            format!("写{what}之间的整数，例如 `{key} = {example}`。"),
        );
        return None;
    }
    u32::try_from(n).ok()
}

/// "8月31日", "8月31", "08-31", "8/31" as (month, day); what to write instead when it is
/// none of them or no day of every year.
pub fn month_day(text: &str) -> Result<(u32, u32), String> {
    let text = text.trim();
    let form = "写成 \"8月31日\" 或 \"08-31\"（只写月和日，每年都用）";
    let parts = if let Some((m, d)) = text.split_once('月') {
        Some((m, d.strip_suffix('日').unwrap_or(d)))
    } else {
        text.split_once(['-', '/'])
    };
    let number = |s: &str| {
        let s = s.trim();
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let Some((month, day)) = parts.and_then(|(m, d)| Some((number(m)?, number(d)?))) else {
        return Err(format!("{form}。"));
    };
    if month == 2 && day == 29 {
        return Err("2月29日不是每年都有：写 \"2月28日\" 或 \"3月1日\"。".to_string());
    }
    // 2023 is no leap year: a date it has, every year has.
    if NaiveDate::from_ymd_opt(2023, month, day).is_none() {
        return Err(format!("没有{month}月{day}日这一天：{form}。"));
    }
    Ok((month, day))
}

/// A text on one line ([`super::targets::one_line`]); an optional one left blank is
/// no text.
fn one_line(
    ctx: &mut Ctx,
    f: &Fields,
    key: &str,
    example: &str,
    required: bool,
    max: usize,
) -> Option<String> {
    use super::targets::{Blank, one_line};
    one_line(ctx, f, key, example, required, max, Blank::NoText)
        .map(|(text, _)| text)
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_shipped_deadlines_read_and_hold_the_seeds_dates() {
        let d = Deadlines::shipped().unwrap();
        let due = d.due(2026, date("2026-09-15"));
        let shown: Vec<(String, i64)> = due
            .iter()
            .map(|d| (d.date.to_string(), d.days_left))
            .collect();
        assert_eq!(
            shown,
            [
                ("2026-08-31".to_string(), -15),
                ("2026-09-01".to_string(), -14),
                ("2026-09-30".to_string(), 15),
                ("2026-09-30".to_string(), 15),
                ("2026-10-01".to_string(), 16),
                ("2026-11-01".to_string(), 47),
                ("2026-12-01".to_string(), 77),
            ]
        );
        // On one date, file order: 区级评审 before 复核.
        assert!(due[2].name.contains("区级"), "{}", due[2].name);
        assert!(due[3].name.contains("复核"), "{}", due[3].name);
        assert!(due[4].name.starts_with("报送附件2"), "{}", due[4].name);
        assert_eq!(due[0].left_said(), "已过期 15 天");
        assert_eq!(due[2].left_said(), "还有 15 天");
        assert_eq!(d.due(2026, date("2026-08-31"))[0].left_said(), "今天到期");
    }

    #[test]
    fn month_days_read_in_either_form_and_impossible_ones_are_refused() {
        assert_eq!(month_day("8月31日"), Ok((8, 31)));
        assert_eq!(month_day(" 8月31 "), Ok((8, 31)));
        assert_eq!(month_day("08-31"), Ok((8, 31)));
        assert_eq!(month_day("9/30"), Ok((9, 30)));
        for bad in [
            "",
            "8.31",
            "2022-08-31",
            "13-01",
            "9月31日",
            "八月",
            "-1-3",
            "0-0",
        ] {
            assert!(month_day(bad).is_err(), "{bad}");
        }
        assert!(month_day("2月29日").unwrap_err().contains("不是每年都有"));
    }

    #[test]
    fn a_monthly_day_past_a_short_months_end_is_its_last_day() {
        let d = Deadlines {
            deadlines: vec![Deadline {
                name: "月报".into(),
                when: When::Monthly {
                    day: 31,
                    from: 1,
                    until: 4,
                },
                who: None,
                note: None,
                line: 1,
            }],
        };
        let dates: Vec<String> = d
            .due(2024, date("2024-01-01"))
            .iter()
            .map(|d| d.date.to_string())
            .collect();
        assert_eq!(
            dates,
            ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"]
        );
        // A year chrono cannot hold: nothing, no panic.
        assert!(d.due(i32::MAX, date("2024-01-01")).is_empty());
    }
}
