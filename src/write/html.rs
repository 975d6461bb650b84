//! The boundary report: one filled questionnaire drawn as the three circles
//! of ISO/IEC 27001 (business and legal outside, the certified ISMS in the
//! middle, product and infrastructure inside), as one self-contained HTML
//! page: inline SVG, CSS and a small script for the filters, no network.
//!
//! Everything in a fill report is untrusted text; maud escapes it all, and
//! the script reads only the page's own attributes.

use super::json::{JsonQuestion, Report};
use crate::bank::Bank;
use crate::confidential::Secrets;
use crate::mappings::Mappings;
use crate::model::{Circle, Status, Visibility};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::collections::HashMap;

/// Who reads the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportAudience {
    /// The team: statuses, confidences, bank ids and why.
    #[default]
    Internal,
    /// The buyer: the boundary brief, with only what may be sent.
    Public,
}

/// What a public page shows for one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicAnswer<'a> {
    /// Answered in the questionnaire, with this text.
    Answer(&'a str),
    /// The questionnaire already held the buyer's or the company's answer.
    AlreadyAnswered,
    /// A person answers it (left for review, no approved answer, or withheld).
    ByTheTeam,
}

/// A public page withholds any answer quoting a confidential text this
/// long: lint's threshold keeps out common sentences, but here a false alarm
/// only leaves an answer to the team.
const PUBLIC_SHORTEST: usize = 8;

/// What the buyer may read of one question's answer: only a confident
/// answer from a public entry of the current bank, holding no confidential text.
pub fn public_answer<'a>(q: &'a JsonQuestion, bank: &Bank, secret: &Secrets) -> PublicAnswer<'a> {
    match q.status {
        Status::Kept => return PublicAnswer::AlreadyAnswered,
        Status::Review | Status::None => return PublicAnswer::ByTheTeam,
        Status::Auto => {}
    }
    let entry = q
        .bank_id
        .as_deref()
        .and_then(|id| bank.entries.iter().find(|e| e.id == id));
    match (q.answer.as_deref(), entry) {
        (Some(answer), Some(e))
            if e.visibility == Visibility::Public
                && e.placeholder.is_none()
                && !secret.any_in(answer) =>
        {
            PublicAnswer::Answer(answer)
        }
        _ => PublicAnswer::ByTheTeam,
    }
}

/// One question as the page shows it to its audience.
struct Row<'a> {
    q: &'a JsonQuestion,
    /// The status it is counted and shown under.
    status: Status,
    /// For a public page, what the buyer reads of its answer.
    public: Option<PublicAnswer<'a>>,
}

fn rows<'a>(
    report: &'a Report,
    audience: ReportAudience,
    bank: &Bank,
    secret: &Secrets,
) -> Vec<Row<'a>> {
    report
        .questions
        .iter()
        .map(|q| match audience {
            ReportAudience::Internal => Row {
                q,
                status: q.status,
                public: None,
            },
            ReportAudience::Public => {
                let shown = public_answer(q, bank, secret);
                Row {
                    q,
                    status: public_status(&shown),
                    public: Some(shown),
                }
            }
        })
        .collect()
}

/// A buyer is told whether a question was answered, never whether a person
/// or qfill answered it, nor that an answer was held back.
fn public_status(shown: &PublicAnswer) -> Status {
    match shown {
        PublicAnswer::Answer(_) => Status::Auto,
        PublicAnswer::AlreadyAnswered => Status::Kept,
        PublicAnswer::ByTheTeam => Status::Review,
    }
}

/// The page for one fill report.
pub fn render(
    report: &Report,
    mappings: &Mappings,
    bank: &Bank,
    audience: ReportAudience,
) -> String {
    let secret = Secrets::of(bank, mappings, PUBLIC_SHORTEST);
    let rows = rows(report, audience, bank, &secret);
    let title = format!("Boundary report: {}", report.input);
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // No request leaves the page: nothing to fetch, nothing to run from elsewhere.
                meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body data-audience=(match audience { ReportAudience::Internal => "internal", ReportAudience::Public => "public" }) {
                header {
                    h1 { (title) }
                    @if audience == ReportAudience::Internal {
                        p.meta {
                            "Internal: statuses, confidences and bank ids are for your team, not the buyer. "
                            "Input SHA-256 " code { (report.input_sha256) } ", bank version " code { (short_hash(&report.bank_version)) } "."
                        }
                    } @else {
                        p.meta { "How our ISO/IEC 27001 certification relates to the questions of " (report.input) "." }
                    }
                }
                main {
                    section aria-labelledby="circles-h" {
                        h2 #circles-h { "Where the questions sit" }
                        div.figure {
                            div {
                                (circles_svg(&rows, audience))
                                (legend(audience))
                            }
                            (counts_table(&rows, audience))
                        }
                    }
                    (certificate(mappings))
                    (filters(&rows, audience))
                    @for circle in Circle::ALL {
                        (circle_section(circle, &rows, audience))
                    }
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    page.into_string()
}

fn short_hash(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

/// What the certificate says and what it does not cover: the same for both
/// audiences (the scope statement is public; the SoA's reasons are not here).
fn certificate(m: &Mappings) -> Markup {
    let c = &m.scope.certification;
    html! {
        section.certificate aria-labelledby="cert-h" {
            h2 #cert-h { "The certificate and its scope" }
            dl {
                dt { "Standard" } dd { (c.standard) }
                @if let Some(n) = &c.certificate { dt { "Certificate" } dd { (n) } }
                @if let Some(b) = &c.body { dt { "Certification body" } dd { (b) } }
                @if let Some(v) = &c.valid_until { dt { "Valid until" } dd { (v.to_string()) } }
            }
            blockquote.scope { (c.statement.trim()) }
            div.columns {
                div {
                    h3 { "What the certificate covers" }
                    p { "The information security management system (the middle circle) inside the scope above, with the controls chosen in our Statement of Applicability." }
                    @if !m.scope.in_scope.is_empty() {
                        ul { @for item in &m.scope.in_scope { li { (item.name) } } }
                    }
                }
                div {
                    h3 { "What it does not cover" }
                    ul {
                        li { "Compliance with a law or regulation (the outer circle): the certificate does not make anyone compliant." }
                        li { "The product and its code (the inner circle): governed by the ISMS, not certified themselves." }
                        li { "A cloud provider's own certificate: it is not inherited." }
                        li { "The time before the certificate was issued." }
                        @for item in &m.scope.out_of_scope {
                            li {
                                (item.name) " is outside the scope"
                                @if let Some(r) = &item.reason { ": " (r) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The label a status goes by for the audience.
fn status_label(s: Status, audience: ReportAudience) -> &'static str {
    match (audience, s) {
        (ReportAudience::Internal, s) => s.as_str(),
        (ReportAudience::Public, Status::Auto) => "answered",
        (ReportAudience::Public, Status::Kept) => "already answered",
        (ReportAudience::Public, Status::Review | Status::None) => "answered by our team",
    }
}

/// The name a status goes by in the page's markup (classes, filters, the
/// address): the buyer's page never names qfill's own statuses.
fn status_key(s: Status, audience: ReportAudience) -> &'static str {
    match (audience, s) {
        (ReportAudience::Internal, s) => s.as_str(),
        (ReportAudience::Public, Status::Auto) => "answered",
        (ReportAudience::Public, Status::Kept) => "already",
        (ReportAudience::Public, Status::Review | Status::None) => "team",
    }
}

/// The statuses an audience tells apart, in order.
fn statuses(audience: ReportAudience) -> &'static [Status] {
    match audience {
        ReportAudience::Internal => &Status::ALL,
        // A buyer is not told which answers waited for a person.
        ReportAudience::Public => &[Status::Auto, Status::Review, Status::Kept],
    }
}

/// Three concentric circles, each question a dot in its ring; a ring is a
/// link that filters the page to its circle.
fn circles_svg(rows: &[Row], audience: ReportAudience) -> Markup {
    const C: f64 = 210.0;
    let bands = [
        (Circle::Legal, 200.0, 135.0),
        (Circle::Isms, 132.0, 67.0),
        (Circle::Product, 64.0, 8.0),
    ];
    html! {
        svg #circles viewBox="0 0 420 420" role="img" aria-labelledby="circles-title" {
            title #circles-title { "The three circles: business and legal outside, the certified ISMS in the middle, product and infrastructure inside" }
            @for (circle, outer, inner) in bands {
                @let members: Vec<&Row> = rows.iter().filter(|r| r.q.circle == circle).collect();
                a.ring href={ "#circle=" (circle.as_str()) } data-circle=(circle.as_str()) aria-label={ (circle.display_name()) ": " (members.len()) " questions" } {
                    circle class={ "band band-" (circle.as_str()) } cx=(C) cy=(C) r=(outer) {}
                    @let radius = dot_radius(members.len(), inner, outer);
                    @for (i, row) in members.iter().enumerate() {
                        @let (x, y) = dot_position(i, members.len(), inner + radius, outer - radius - 1.0);
                        circle class={ "dot s-" (status_key(row.status, audience)) } cx=(fmt(C + x)) cy=(fmt(C + y)) r=(fmt(radius)) {
                            title { (row.q.sheet) " row " (row.q.row) ": " (row.q.question) }
                        }
                    }
                    text.ring-label x=(C) y=(fmt(C - outer + 16.0)) text-anchor="middle" {
                        (short_circle_name(circle)) " · " (members.len())
                    }
                }
            }
        }
    }
}

/// What the dot colours mean.
fn legend(audience: ReportAudience) -> Markup {
    html! {
        ul.legend aria-label="Dot colours" {
            @for s in statuses(audience) {
                li { svg width="12" height="12" aria-hidden="true" { circle class={ "dot s-" (status_key(*s, audience)) } cx="6" cy="6" r="5" {} } " " (status_label(*s, audience)) }
            }
        }
    }
}

/// Dots as large as the ring leaves room for: a few questions read at a
/// glance, a thousand still fit.
fn dot_radius(n: usize, inner: f64, outer: f64) -> f64 {
    let area = std::f64::consts::PI * (outer * outer - inner * inner);
    (0.3 * (area / n.max(1) as f64).sqrt()).clamp(1.2, 5.0)
}

fn short_circle_name(c: Circle) -> &'static str {
    match c {
        Circle::Legal => "Business & legal",
        Circle::Isms => "ISMS (certified)",
        Circle::Product => "Product",
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// Where the i-th of n dots sits in a ring: spread over the ring's area by
/// the golden angle, kept clear of the label at the top.
fn dot_position(i: usize, n: usize, inner: f64, outer: f64) -> (f64, f64) {
    const GOLDEN: f64 = 2.399_963_229_728_653;
    let t = (i as f64 + 0.5) / n.max(1) as f64;
    let r = (inner * inner + t * (outer * outer - inner * inner)).sqrt();
    let mut angle = i as f64 * GOLDEN;
    // The label sits at the top of the ring (angle -π/2): dots go around it.
    let top = -std::f64::consts::FRAC_PI_2;
    let gap = 0.5;
    let d = (angle - top).rem_euclid(std::f64::consts::TAU);
    if d < gap || d > std::f64::consts::TAU - gap {
        angle += if d < gap { gap } else { -gap };
    }
    (r * angle.cos(), r * angle.sin())
}

/// Counts by circle and status, each cell tagged for the browser test.
fn counts_table(rows: &[Row], audience: ReportAudience) -> Markup {
    let mut counts: HashMap<(Circle, Status), usize> = HashMap::new();
    for r in rows {
        *counts.entry((r.q.circle, r.status)).or_default() += 1;
    }
    let total = |c: Circle| rows.iter().filter(|r| r.q.circle == c).count();
    let count = |c: Circle, s: Status| counts.get(&(c, s)).copied().unwrap_or(0);
    html! {
        table #counts {
            caption { "Questions by circle and how they are answered" }
            thead { tr { th scope="col" { "Circle" } @for s in statuses(audience) { th scope="col" { (status_label(*s, audience)) } } th scope="col" { "all" } } }
            tbody {
                @for c in Circle::ALL {
                    tr {
                        th scope="row" { (c.display_name()) }
                        @for s in statuses(audience) { td data-circle=(c.as_str()) data-status=(status_key(*s, audience)) { (count(c, *s)) } }
                        td.total data-circle=(c.as_str()) { (total(c)) }
                    }
                }
            }
        }
    }
}

fn filters(rows: &[Row], audience: ReportAudience) -> Markup {
    let mut sheets: Vec<&str> = Vec::new();
    for r in rows {
        if !sheets.contains(&r.q.sheet.as_str()) {
            sheets.push(&r.q.sheet);
        }
    }
    html! {
        form #filters role="search" aria-label="Filter the questions" {
            label { "Circle " select name="circle" {
                option value="" { "all" }
                @for c in Circle::ALL { option value=(c.as_str()) { (short_circle_name(c)) } }
            } }
            label { "Status " select name="status" {
                option value="" { "all" }
                @for s in statuses(audience) { option value=(status_key(*s, audience)) { (status_label(*s, audience)) } }
            } }
            label { "Sheet " select name="sheet" {
                option value="" { "all" }
                @for s in &sheets { option value=(s) { (s) } }
            } }
            label { "Search " input type="search" name="q" placeholder="words in a question or answer"; }
            p aria-live="polite" { "Showing " output #shown { (rows.len()) } " of " (rows.len()) " questions" }
        }
    }
}

fn circle_section(circle: Circle, rows: &[Row], audience: ReportAudience) -> Markup {
    let members: Vec<&Row> = rows.iter().filter(|r| r.q.circle == circle).collect();
    html! {
        details.circle id={ "circle-" (circle.as_str()) } data-circle=(circle.as_str()) open[members.len() <= 60] {
            summary {
                span class={ "swatch band-" (circle.as_str()) } {}
                (circle.display_name()) ": " span.count { (members.len()) } " questions"
            }
            p.about { (circle_about(circle)) }
            @if members.is_empty() {
                p { "No question of this questionnaire falls here." }
            } @else {
                table.questions {
                    thead { tr {
                        th scope="col" { "Where" }
                        th scope="col" { "Question" }
                        th scope="col" { "Status" }
                        @if audience == ReportAudience::Internal { th scope="col" { "Confidence" } }
                        th scope="col" { "Answer" }
                        @if audience == ReportAudience::Internal { th scope="col" { "Bank id" } th scope="col" { "Why" } }
                    } }
                    tbody {
                        @for row in &members {
                            @let (q, status) = (row.q, row.status);
                            tr data-circle=(circle.as_str()) data-status=(status_key(status, audience)) data-sheet=(q.sheet) {
                                td.where { (q.sheet) " " (q.row) @if let Some(id) = &q.question_id { br; span.qid { (id) } } }
                                td { (q.question) }
                                td { span class={ "status s-" (status_key(status, audience)) } { (status_label(status, audience)) } }
                                @match &row.public {
                                    None => {
                                        td.num { (format!("{:.2}", q.confidence)) }
                                        td.answer { @if let Some(a) = &q.answer { (a) } }
                                        td { @if let Some(id) = &q.bank_id { code { (id) } } }
                                        td.why { @for w in &q.why { span { (w) } br; } }
                                    }
                                    Some(PublicAnswer::Answer(a)) => td.answer { (a) },
                                    Some(PublicAnswer::AlreadyAnswered) => td.answer { em { "Answered in the questionnaire." } },
                                    Some(PublicAnswer::ByTheTeam) => td.answer { em { "Our team answers this one directly." } },
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn circle_about(c: Circle) -> &'static str {
    match c {
        Circle::Legal => {
            "Contracts, laws and regulations, insurance, the company itself. The certificate does not make anyone compliant with a law."
        }
        Circle::Isms => {
            "The certified management system: risk management, policies, the Statement of Applicability, suppliers, training, incident process, audits, continuity."
        }
        Circle::Product => {
            "The product, its code and its infrastructure: governed by the ISMS, not certified themselves."
        }
    }
}

const CSS: &str = r#"
:root { --legal: #c9d6ea; --isms: #8fb8de; --product: #4f86c6; --ink: #1d2430; --muted: #5b6473;
  --auto: #2e7d32; --review: #ef8f00; --none: #8a8f98; --kept: #6a4fb3; font-family: system-ui, sans-serif; color: var(--ink); }
body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.meta { color: var(--muted); margin-top: 0; } code { font-size: .9em; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
blockquote.scope { border-left: 4px solid var(--isms); margin: 1rem 0; padding: .3rem 1rem; background: #f4f7fb; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; }
.figure { display: grid; grid-template-columns: minmax(16rem, 26rem) 1fr; gap: 2rem; align-items: center; }
svg#circles { width: 100%; height: auto; }
.band { stroke: #fff; stroke-width: 2; } .band-legal { fill: var(--legal); background: var(--legal); }
.band-isms { fill: var(--isms); background: var(--isms); } .band-product { fill: var(--product); background: var(--product); }
.ring:focus-visible .band, .ring:hover .band { stroke: var(--ink); stroke-width: 3; }
.ring-label { font-size: 11px; font-weight: 600; fill: var(--ink); pointer-events: none; }
.dot { stroke: #fff; stroke-width: .6; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1rem; padding: 0; margin: .4rem 0 0; font-size: .9em; } .s-auto { fill: var(--auto); } .s-review { fill: var(--review); }
.s-none { fill: var(--none); } .s-kept { fill: var(--kept); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #dde2ea; }
#counts td { text-align: right; } caption { text-align: left; font-weight: 600; padding-bottom: .4rem; }
form#filters { display: flex; flex-wrap: wrap; gap: .8rem 1.2rem; align-items: center; margin: 2rem 0 1rem;
  padding: .8rem; background: #f4f7fb; border-radius: 6px; position: sticky; top: 0; z-index: 1; }
form#filters p { margin: 0; color: var(--muted); }
select, input { font: inherit; padding: .15rem .3rem; }
details.circle { margin: 1rem 0; border: 1px solid #dde2ea; border-radius: 6px; padding: .3rem .8rem; }
summary { font-weight: 600; cursor: pointer; padding: .3rem 0; }
summary:focus-visible, a:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid #f2b705; outline-offset: 2px; }
.swatch { display: inline-block; width: .9rem; height: .9rem; border-radius: 50%; margin-right: .4rem; vertical-align: -.1rem; }
.about { color: var(--muted); margin-top: 0; }
.status { display: inline-block; padding: 0 .4rem; border-radius: 3px; color: #fff; font-size: .85em; white-space: nowrap; }
span.s-auto, span.s-answered { background: var(--auto); } span.s-review, span.s-team { background: var(--review); }
span.s-none { background: var(--none); } span.s-kept, span.s-already { background: var(--kept); }
td.where { white-space: nowrap; color: var(--muted); } .qid { font-size: .85em; } td.num { text-align: right; }
td.answer { white-space: pre-wrap; } td.why { font-size: .85em; color: var(--muted); }
tr[hidden] { display: none; }
@media (max-width: 50rem) { .figure, .columns { grid-template-columns: 1fr; } }
@media print {
  form#filters { display: none; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  details.circle { border: none; padding: 0; }
  details.circle::details-content { content-visibility: visible; display: block; }
  tr { break-inside: avoid; } tr[hidden] { display: table-row; }
  .figure { break-inside: avoid; }
}
"#;

/// Filters from the form, kept in the address (`#circle=isms&status=auto`)
/// so a filtered view can be shared and reloaded.
const SCRIPT: &str = r#"
(function () {
  const form = document.getElementById('filters');
  const rows = Array.from(document.querySelectorAll('table.questions tbody tr'));
  const shown = document.getElementById('shown');
  const keys = ['circle', 'status', 'sheet', 'q'];
  function apply() {
    const f = Object.fromEntries(keys.map(k => [k, form.elements[k].value]));
    const words = f.q.toLowerCase().split(/\s+/).filter(Boolean);
    let n = 0;
    for (const tr of rows) {
      const text = tr.textContent.toLowerCase();
      const ok = (!f.circle || tr.dataset.circle === f.circle)
        && (!f.status || tr.dataset.status === f.status)
        && (!f.sheet || tr.dataset.sheet === f.sheet)
        && words.every(w => text.includes(w));
      tr.hidden = !ok;
      if (ok) n++;
    }
    shown.textContent = String(n);
    for (const d of document.querySelectorAll('details.circle')) {
      d.hidden = !!f.circle && d.dataset.circle !== f.circle;
      if (f.circle === d.dataset.circle || (words.length && d.querySelector('tbody tr:not([hidden])'))) d.open = true;
    }
    const params = new URLSearchParams();
    for (const k of keys) if (f[k]) params.set(k, f[k]);
    const hash = params.toString();
    history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search);
  }
  function fromHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const k of keys) {
      const el = form.elements[k];
      const v = params.get(k) || '';
      if (el.tagName === 'SELECT' && v && !Array.from(el.options).some(o => o.value === v)) continue;
      el.value = v;
    }
    apply();
  }
  form.addEventListener('input', apply);
  form.addEventListener('submit', e => e.preventDefault());
  window.addEventListener('hashchange', () => {
    fromHash();
    const c = form.elements.circle.value;
    if (c) document.getElementById('circle-' + c).scrollIntoView();
  });
  // Printing shows every question, whatever the filters.
  let before = [];
  window.addEventListener('beforeprint', () => {
    before = Array.from(document.querySelectorAll('details.circle')).map(d => d.open);
    document.querySelectorAll('details.circle').forEach(d => { d.open = true; d.hidden = false; });
  });
  window.addEventListener('afterprint', () => {
    document.querySelectorAll('details.circle').forEach((d, i) => { d.open = before[i]; });
    apply();
  });
  fromHash();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_answer_quoting_an_soa_justification_is_withheld() {
        let m = Mappings::builtin().unwrap();
        let bank = Bank::builtin(&m).unwrap();
        let secret = Secrets::of(&bank, &m, PUBLIC_SHORTEST);
        let entry = bank
            .entries
            .iter()
            .find(|e| e.visibility == Visibility::Public && e.placeholder.is_none())
            .unwrap();
        let justification = &m
            .soa
            .control
            .iter()
            .find(|c| c.justification.len() > 20)
            .unwrap()
            .justification;
        let mut q = JsonQuestion {
            sheet: "S".into(),
            row: 2,
            question_id: None,
            question: "Q?".into(),
            circle: Circle::Isms,
            status: Status::Auto,
            confidence: 0.99,
            bank_id: Some(entry.id.clone()),
            answer: Some(entry.answer.clone()),
            controls: vec![],
            why: vec![],
            alternatives: vec![],
        };
        assert_eq!(
            public_answer(&q, &bank, &secret),
            PublicAnswer::Answer(&entry.answer)
        );
        // As an NDA fill composes it: the entry's answer, then why a control is excluded.
        q.answer = Some(format!("{}\n\n{justification}", entry.answer));
        assert_eq!(public_answer(&q, &bank, &secret), PublicAnswer::ByTheTeam);
        q.answer = Some(entry.answer.clone());
        q.status = Status::Review;
        assert_eq!(public_answer(&q, &bank, &secret), PublicAnswer::ByTheTeam);
    }

    #[test]
    fn dots_stay_inside_their_ring() {
        for n in [1, 7, 300] {
            for i in 0..n {
                let (x, y) = dot_position(i, n, 67.0, 129.0);
                let r = (x * x + y * y).sqrt();
                assert!((67.0..=129.01).contains(&r), "dot {i} of {n} at radius {r}");
                let d = dot_radius(n, 67.0, 129.0);
                assert!((1.2..=5.0).contains(&d));
            }
        }
    }

    #[test]
    fn a_buyer_never_reads_whether_a_person_answered() {
        assert_eq!(public_status(&PublicAnswer::ByTheTeam), Status::Review);
        assert_eq!(
            status_label(Status::Review, ReportAudience::Public),
            "answered by our team"
        );
        assert!(!statuses(ReportAudience::Public).contains(&Status::None));
    }
}
