//! A deterministic generator of realistic gazette archives, for benchmarks.
//!
//! The text is drawn from the bundled issue (its sentences, reshuffled), the documents follow
//! the content contract: 40 items an issue, numbered documents in many series and from many
//! issuers (some joint), unnumbered items, a statistics table now and then, lengths from a few
//! hundred characters to tens of thousands. The same arguments always give the same files.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// SplitMix64: small, fast, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const DEPARTMENTS: &[(&str, &str)] = &[
    ("财政局", "财"),
    ("商务局", "商务"),
    ("教育局", "教"),
    ("公安局", "公"),
    ("民政局", "民"),
    ("司法局", "司"),
    ("人力资源和社会保障局", "人社"),
    ("自然资源和规划局", "资规"),
    ("生态环境局", "环"),
    ("住房和城乡建设局", "建"),
    ("交通运输局", "交"),
    ("水利局", "水"),
    ("农业农村局", "农"),
    ("文化广电旅游局", "文旅"),
    ("卫生健康委员会", "卫健"),
    ("应急管理局", "应急"),
    ("审计局", "审"),
    ("市场监督管理局", "市监"),
    ("统计局", "统"),
    ("医疗保障局", "医保"),
    ("体育局", "体"),
    ("信访局", "信"),
    ("大数据发展管理局", "数据"),
    ("综合行政执法局", "执法"),
    ("地方金融监督管理局", "金融"),
    ("经济和信息化局", "经信"),
    ("科学技术局", "科"),
    ("发展和改革委员会", "发改"),
    ("退役军人事务局", "退役"),
];

const COUNTIES: &[(&str, &str)] = &[
    ("鹿城区", "鹿"),
    ("龙湾区", "龙"),
    ("瓯海区", "瓯"),
    ("洞头区", "洞"),
    ("瑞安市", "瑞"),
    ("乐清市", "乐"),
    ("龙港市", "港"),
    ("永嘉县", "永"),
    ("平阳县", "平"),
    ("苍南县", "苍"),
    ("文成县", "文"),
    ("泰顺县", "泰"),
];

const TYPES: &[&str] = &[
    "通知",
    "意见",
    "通告",
    "决定",
    "批复",
    "通报",
    "办法",
    "规定",
    "实施方案",
    "函",
];

struct Series {
    prefix: String,
    issuer: String,
    slug: String,
}

fn series_list() -> Vec<Series> {
    let mut list = vec![
        Series {
            prefix: "温政发".into(),
            issuer: "温州市人民政府".into(),
            slug: "wzf".into(),
        },
        Series {
            prefix: "温政办".into(),
            issuer: "温州市人民政府办公室".into(),
            slug: "wzb".into(),
        },
        Series {
            prefix: "温政函".into(),
            issuer: "温州市人民政府".into(),
            slug: "wzh".into(),
        },
    ];
    for (i, (name, short)) in DEPARTMENTS.iter().enumerate() {
        list.push(Series {
            prefix: format!("温{short}发"),
            issuer: format!("温州市{name}"),
            slug: format!("d{i}"),
        });
    }
    for (i, (name, short)) in COUNTIES.iter().enumerate() {
        list.push(Series {
            prefix: format!("{short}政发"),
            issuer: format!("{name}人民政府"),
            slug: format!("c{i}"),
        });
    }
    list
}

/// Sentences of the bundled issue, to build text from.
pub fn sentence_pool(content: &Path) -> io::Result<Vec<String>> {
    let mut pool = Vec::new();
    let mut files: Vec<_> = fs::read_dir(content)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    for path in files {
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = fs::read_to_string(&path)?;
        let body = text.splitn(3, "---\n").nth(2).unwrap_or_default();
        for line in body.lines() {
            let line = line.trim();
            if line.is_empty()
                || line.starts_with(['#', '|', '-', '!'])
                || line.contains(['[', ']'])
                || line.chars().count() < 12
            {
                continue;
            }
            for sentence in line.split_inclusive(['。', '；']) {
                let s = sentence
                    .trim()
                    .trim_start_matches(['*', '△', ' '])
                    .to_string();
                if s.chars().count() >= 8 {
                    pool.push(s);
                }
            }
        }
    }
    Ok(pool)
}

fn paragraph(rng: &mut Rng, pool: &[String], chars: usize) -> String {
    let mut p = String::new();
    while p.chars().count() < chars {
        let s: &String = rng.pick(pool);
        p.push_str(s);
    }
    p
}

fn body(rng: &mut Rng, pool: &[String], target: usize, signature: Option<(&str, &str)>) -> String {
    let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let mut out = String::new();
    let mut written = 0;
    let mut heading = 0;
    out.push_str(&paragraph(rng, pool, 80));
    out.push_str("\n\n");
    while written < target {
        if rng.chance(25) && heading < numerals.len() {
            let _ = writeln!(
                out,
                "### {}、{}\n",
                numerals[heading],
                rng.pick(pool).chars().take(12).collect::<String>()
            );
            heading += 1;
        }
        let len = 120 + rng.below(280);
        out.push_str(&paragraph(rng, pool, len));
        out.push_str("\n\n");
        written += len;
    }
    if let Some((issuer, date)) = signature {
        let _ = write!(out, "{issuer}\n{date}\n");
    }
    out
}

fn statistics_table(rng: &mut Rng) -> String {
    let mut t = String::from(
        "| 指标 | 单位 | 当月 | 同比±% | 累计 | 同比±% |\n|---|---|---|---|---|---|\n",
    );
    for name in [
        "规模以上工业增加值",
        "限额以上消费品零售总额",
        "财政总收入",
        "一般公共预算收入",
        "金融机构人民币存款余额",
        "居民消费价格总指数",
    ] {
        let a = rng.below(100_000) as f64 / 100.0;
        let b = rng.below(200) as f64 / 10.0 - 10.0;
        let _ = writeln!(
            t,
            "| {name} | 亿元 | {a:.2} | {b:.1} | {:.2} | {:.1} |",
            a * 11.0,
            b / 2.0
        );
    }
    t
}

/// Writes an archive of `docs` documents under `out` (which must not exist or be empty), with
/// `theme` copied in as `themes/default`.
pub fn generate(
    out: &Path,
    docs: usize,
    seed: u64,
    pool: &[String],
    theme: &Path,
) -> io::Result<()> {
    let series = series_list();
    let mut rng = Rng::new(seed);
    let mut yaml = String::from("title: 温州市人民政府公报（基准测试）\nseries:\n");
    for s in &series {
        let _ = writeln!(yaml, "  {}: {}", s.prefix, s.slug);
    }
    yaml.push_str("issuers:\n");
    for (i, (name, _)) in COUNTIES.iter().enumerate() {
        let _ = writeln!(yaml, "  {name}人民政府: {{slug: county-{i}}}");
    }
    fs::create_dir_all(out)?;
    fs::write(out.join("gazette.yaml"), yaml)?;
    copy_dir(theme, &out.join("themes/default"))?;

    // 40 items an issue, 24 issues a year; an archive larger than 75 years of that has
    // fuller issues instead of running past the years 文号 may bear.
    let issues_per_year = 24;
    let per_issue = 40.max(docs.div_ceil(issues_per_year * 75));
    let mut seqs: std::collections::BTreeMap<(usize, u16), u32> = Default::default();
    let mut registration = 0u32;
    let mut made = 0;
    let mut issue = 0;
    while made < docs {
        let year = 1970 + (issue / issues_per_year) as u16;
        let number = (issue % issues_per_year + 1) as u16;
        let month = ((number - 1) / 2 + 1) as u8;
        let dir = out.join(format!("content/{year}/{number:02}"));
        fs::create_dir_all(&dir)?;
        fs::write(
            dir.join("_index.md"),
            format!(
                "---\nyear: {year}\nnumber: {number}\nserial: {}\npublished: {year}-{month:02}-28\n---\n",
                issue + 1
            ),
        )?;
        let in_this = per_issue.min(docs - made);
        let mut listed = Vec::new();
        for k in 0..in_this {
            let day = 1 + rng.below(27) as u8;
            let date = format!("{year}-{month:02}-{day:02}");
            let date_cn = format!("{year}年{month}月{day}日");
            let (name, text) = match k {
                0 => (
                    "photos".to_string(),
                    format!(
                        "---\ntitle: 图片新闻\nsection: 图片新闻\n---\n\n{}",
                        (0..6)
                            .map(|_| format!("- {}\n", rng.pick(pool)))
                            .collect::<String>()
                    ),
                ),
                30 => (
                    "personnel".to_string(),
                    format!(
                        "---\ntitle: {month}月份人事任免\nsection: 机构人事\n---\n\n{}",
                        body(&mut rng, pool, 600, None)
                    ),
                ),
                31..=37 => (
                    format!("brief-{k}"),
                    format!(
                        "---\ntitle: {}\nsection: 政务简讯\n---\n\n{}",
                        rng.pick(pool).chars().take(20).collect::<String>(),
                        body(&mut rng, pool, 500, None)
                    ),
                ),
                38 => ("chronicle".to_string(), {
                    let mut b = String::new();
                    for d in 1..=28 {
                        let _ = write!(b, "### {d}日\n\n△ {}\n\n", rng.pick(pool));
                    }
                    format!("---\ntitle: {month}月份市政府记事\nsection: 政府记事\n---\n\n{b}")
                }),
                39 => (
                    "statistics".to_string(),
                    format!(
                        "---\ntitle: {year}年{month}月份国民经济主要统计指标\nsection: 统计资料\n---\n\n{}\n注：{}\n",
                        statistics_table(&mut rng),
                        rng.pick(pool)
                    ),
                ),
                _ => {
                    let s = rng.below(series.len());
                    let seq = seqs.entry((s, year)).or_insert(0);
                    *seq += 1;
                    let number = format!("{}〔{year}〕{}号", series[s].prefix, seq);
                    let doc_type = rng.pick(TYPES);
                    let topic = rng
                        .pick(pool)
                        .chars()
                        .take(8 + rng.below(16))
                        .collect::<String>();
                    let title = format!(
                        "{}关于{}的{}",
                        series[s].issuer,
                        topic.trim_end_matches(['。', '；', '，']),
                        doc_type
                    );
                    let mut issuers = vec![series[s].issuer.clone()];
                    if rng.chance(10) {
                        let other = &series[rng.below(series.len())].issuer;
                        if *other != issuers[0] {
                            issuers.push(other.clone());
                        }
                    }
                    // Lengths from a few hundred characters to tens of thousands.
                    let chars = if rng.chance(3) {
                        15_000 + rng.below(25_000)
                    } else {
                        (200.0 * (60f64).powf(rng.below(1000) as f64 / 1000.0)) as usize
                    };
                    let mut fm = format!(
                        "---\ntitle: \"{title}\"\nsection: 文件发布\ndoc_number: {number}\nissuers: [{}]\ndate: {date}\nposition: {k}\n",
                        issuers.join(", ")
                    );
                    if rng.chance(30) {
                        registration += 1;
                        let _ = writeln!(
                            fm,
                            "registration_number: ZJCC{:02}-{year}-{:04}",
                            rng.below(20),
                            registration % 10_000
                        );
                    }
                    if rng.chance(20) {
                        let _ = writeln!(
                            fm,
                            "valid_from: {date}\nvalid_until: {}-{month:02}-{day:02}",
                            year + 3
                        );
                    }
                    fm.push_str("---\n\n");
                    let mut text = fm;
                    text.push_str(&body(
                        &mut rng,
                        pool,
                        chars,
                        Some((&issuers.join("\n"), &date_cn)),
                    ));
                    if rng.chance(5) {
                        text.push_str("\n附表\n\n");
                        text.push_str(&statistics_table(&mut rng));
                    }
                    listed.push((number, title));
                    (format!("doc-{k}"), text)
                }
            };
            fs::write(dir.join(format!("{name}.md")), text)?;
            made += 1;
            if made == docs {
                break;
            }
        }
        let _ = listed;
        issue += 1;
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
