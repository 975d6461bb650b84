//! The in-place filled writer for xlsx and xlsm: every part of the buyer's
//! package is copied unchanged (compressed bytes, same order) except the
//! sheets that receive answers, and in those only the answer cells change.
//! Styles, dropdowns, merges, hidden sheets, protection, formulas, tables,
//! comments and macros stay as they were.

use super::FilledWriter;
use super::cells::Placement;
use super::rebuild::clip;
use crate::ingest::{Format, Workbook, ooxml};
use anyhow::{Context, Result, anyhow};
use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::{Reader, Writer};
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::{ZipArchive, ZipWriter};

pub struct PatchWriter;

/// New values by (0-based row, 0-based column).
type Cells = BTreeMap<(u32, u32), String>;

impl FilledWriter for PatchWriter {
    fn extension(&self, input: &Workbook) -> &'static str {
        if input.format == Format::Xlsm {
            "filled.xlsm"
        } else {
            "filled.xlsx"
        }
    }

    fn render(&self, input: &Workbook, cells: &[Placement]) -> Result<Vec<u8>> {
        let mut by_sheet: BTreeMap<usize, Cells> = BTreeMap::new();
        for p in cells {
            // A merged range keeps its value in the top-left cell only; table headers stay.
            if input.sheets[p.sheet_index].protected_cell(p.row, p.col) {
                continue;
            }
            by_sheet
                .entry(p.sheet_index)
                .or_default()
                .insert((p.row, p.col), p.value.clone());
        }
        let mut zip = ZipArchive::new(Cursor::new(input.bytes.as_slice()))
            .context("cannot reopen the workbook")?;
        let parts = ooxml::sheet_parts(&mut zip)
            .ok_or_else(|| anyhow!("cannot find the sheets of the workbook package"))?;
        let mut patched: HashMap<String, Vec<u8>> = HashMap::new();
        for (sheet_index, cells) in &by_sheet {
            let name = &input.sheets[*sheet_index].name;
            let (_, part) = parts
                .iter()
                .find(|(n, _)| n == name)
                .ok_or_else(|| anyhow!("sheet `{name}`: no XML part found"))?;
            let entry = entry_name(&zip, part)
                .ok_or_else(|| anyhow!("sheet `{name}`: part {part} is missing"))?;
            let mut xml = Vec::new();
            zip.by_name(&entry)?.read_to_end(&mut xml)?;
            let new = patch_sheet(&xml, cells).map_err(|e| anyhow!("sheet `{name}`: {e}"))?;
            patched.insert(entry, new);
        }
        let mut out = ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..zip.len() {
            let file = zip.by_index_raw(i)?;
            let name = file.name()?.to_string();
            match patched.get(&name) {
                Some(bytes) => {
                    let options = SimpleFileOptions::default()
                        .compression_method(zip::CompressionMethod::Deflated)
                        .last_modified_time(file.last_modified().unwrap_or_default());
                    drop(file);
                    out.start_file(name, options)?;
                    out.write_all(bytes)?;
                }
                None => out.raw_copy_file(file)?,
            }
        }
        Ok(out.finish()?.into_inner())
    }
}

/// The zip entry for a part path, matching case-insensitively as Excel does.
fn entry_name(zip: &ZipArchive<Cursor<&[u8]>>, part: &str) -> Option<String> {
    zip.file_names()
        .filter_map(Result::ok)
        .find(|n| n.eq_ignore_ascii_case(part))
        .map(|n| n.to_string())
}

/// Rewrites one worksheet part: the given cells get inline strings, every
/// other byte stays as the file had it.
pub fn patch_sheet(xml: &[u8], cells: &Cells) -> Result<Vec<u8>, String> {
    let mut reader = Reader::from_reader(xml);
    let mut writer = Writer::new(Vec::with_capacity(xml.len() + cells.len() * 64));
    let mut state = State {
        pending: cells.clone(),
        ..State::default()
    };
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("not well-formed XML: {e}"))?;
        let done = matches!(event, Event::Eof);
        state.handle(event.into_owned(), &mut reader, &mut writer)?;
        if done {
            break;
        }
        buf.clear();
    }
    if !state.pending.is_empty() {
        return Err("the sheet has no sheetData element".into());
    }
    Ok(writer.into_inner())
}

#[derive(Default)]
struct State {
    pending: Cells,
    in_data: bool,
    prefix: String,
    row: Option<u32>,
    last_row: u32,
    row_seen: bool,
    last_col: Option<u32>,
    row_style: Option<String>,
    col_styles: Vec<(u32, u32, String)>,
}

type Out = Writer<Vec<u8>>;

fn w(writer: &mut Out, e: Event<'_>) -> Result<(), String> {
    writer.write_event(e).map_err(|e| e.to_string())
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.try_get_attribute(key)
        .ok()
        .flatten()
        .map(|a| a.value.to_string())
}

impl State {
    fn handle(
        &mut self,
        event: Event<'static>,
        reader: &mut Reader<&[u8]>,
        out: &mut Out,
    ) -> Result<(), String> {
        match event {
            Event::Empty(e) if e.local_name().as_ref() == "col" => {
                if let (Some(min), Some(max), Some(s)) =
                    (attr(&e, "min"), attr(&e, "max"), attr(&e, "style"))
                    && let (Ok(min), Ok(max)) = (min.parse::<u32>(), max.parse::<u32>())
                {
                    self.col_styles.push((min - 1, max - 1, s));
                }
                w(out, Event::Empty(e))
            }
            Event::Empty(e) if e.local_name().as_ref() == "dimension" => {
                w(out, Event::Empty(self.widen(e)))
            }
            Event::Start(e) if e.local_name().as_ref() == "sheetData" => {
                self.prefix = prefix_of(&e);
                self.in_data = true;
                w(out, Event::Start(e))
            }
            Event::Empty(e) if e.local_name().as_ref() == "sheetData" => {
                self.prefix = prefix_of(&e);
                let name = e.name().as_ref().to_string();
                w(out, Event::Start(e))?;
                self.flush_rows_before(u32::MAX, out)?;
                w(out, Event::End(BytesEnd::new(name)))
            }
            Event::End(e) if e.local_name().as_ref() == "sheetData" => {
                self.in_data = false;
                self.flush_rows_before(u32::MAX, out)?;
                w(out, Event::End(e))
            }
            Event::Start(e) if self.in_data && e.local_name().as_ref() == "row" => {
                let r = self.row_index(&e);
                self.check_order(r)?;
                self.flush_rows_before(r, out)?;
                let e = self.enter_row(e, r);
                w(out, Event::Start(e))
            }
            Event::Empty(e) if self.in_data && e.local_name().as_ref() == "row" => {
                let r = self.row_index(&e);
                self.check_order(r)?;
                self.flush_rows_before(r, out)?;
                if self.has_row(r) {
                    let name = e.name().as_ref().to_string();
                    let e = self.enter_row(e, r);
                    w(out, Event::Start(e))?;
                    self.flush_cells_before(u32::MAX, out)?;
                    self.row = None;
                    w(out, Event::End(BytesEnd::new(name)))
                } else {
                    self.last_row = r;
                    self.row_seen = true;
                    w(out, Event::Empty(e))
                }
            }
            Event::End(e) if self.in_data && e.local_name().as_ref() == "row" => {
                self.flush_cells_before(u32::MAX, out)?;
                self.row = None;
                w(out, Event::End(e))
            }
            Event::Start(e) if self.row.is_some() && e.local_name().as_ref() == "c" => {
                let col = self.col_index(&e);
                let inner = read_cell_body(reader)?;
                self.cell(e, Some(inner), col, out)
            }
            Event::Empty(e) if self.row.is_some() && e.local_name().as_ref() == "c" => {
                let col = self.col_index(&e);
                self.cell(e, None, col, out)
            }
            other => w(out, other),
        }
    }

    /// Rows must come in order for new rows to go in the right place; a
    /// sheet that repeats or reorders them is rebuilt instead of patched.
    fn check_order(&self, r: u32) -> Result<(), String> {
        if self.row_seen && r <= self.last_row {
            return Err(format!(
                "row {} comes after row {}: the sheet's rows are out of order",
                r + 1,
                self.last_row + 1
            ));
        }
        Ok(())
    }

    /// A row's 0-based index: its `r`, or the one after the previous row.
    fn row_index(&self, e: &BytesStart<'_>) -> u32 {
        match attr(e, "r").and_then(|r| r.parse::<u32>().ok()) {
            Some(r) => r.saturating_sub(1),
            None if self.row_seen => self.last_row + 1,
            None => 0,
        }
    }

    fn enter_row(&mut self, e: BytesStart<'static>, r: u32) -> BytesStart<'static> {
        self.row = Some(r);
        self.last_row = r;
        self.row_seen = true;
        self.last_col = None;
        self.row_style = (attr(&e, "customFormat").as_deref() == Some("1"))
            .then(|| attr(&e, "s"))
            .flatten();
        if !self.has_row(r) {
            return e;
        }
        // A touched row's spans would no longer be right; Excel recomputes them.
        let mut new = BytesStart::new(e.name().as_ref().to_string());
        for a in e.attributes().flatten() {
            if a.key.as_ref() != "spans" {
                new.push_attribute(a);
            }
        }
        new
    }

    fn has_row(&self, r: u32) -> bool {
        self.pending.range((r, 0)..=(r, u32::MAX)).next().is_some()
    }

    fn col_index(&self, e: &BytesStart<'_>) -> u32 {
        attr(e, "r")
            .and_then(|r| ooxml::parse_cell(&r).map(|(_, c)| c))
            .unwrap_or_else(|| self.last_col.map_or(0, |c| c + 1))
    }

    /// An existing cell: replaced when it is an answer cell and not a formula.
    fn cell(
        &mut self,
        e: BytesStart<'static>,
        inner: Option<Vec<Event<'static>>>,
        col: u32,
        out: &mut Out,
    ) -> Result<(), String> {
        let row = self.row.unwrap_or(0);
        self.flush_cells_before(col, out)?;
        self.last_col = Some(col);
        let formula = inner
            .as_ref()
            .is_some_and(|evs| evs.iter().any(|ev| matches!(ev, Event::Start(x) | Event::Empty(x) if x.local_name().as_ref() == "f")));
        // An array or shared formula spans a range from this cell on: every
        // cell of it is a formula cell, though only this one holds `<f>`.
        for range in inner.iter().flatten().filter_map(|ev| match ev {
            Event::Start(x) | Event::Empty(x) if x.local_name().as_ref() == "f" => {
                attr(x, "ref").and_then(|r| ooxml::parse_range(&r))
            }
            _ => None,
        }) {
            let (r0, c0, r1, c1) = range;
            self.pending
                .retain(|&(r, c), _| !((r0..=r1).contains(&r) && (c0..=c1).contains(&c)));
        }
        let value = if formula {
            None
        } else {
            self.pending.remove(&(row, col))
        };
        match value {
            Some(v) => {
                // Never overwrite a formula; keep the cell's own style.
                let style = attr(&e, "s");
                self.write_cell(row, col, style.as_deref(), &v, out)
            }
            None => {
                self.pending.remove(&(row, col));
                match inner {
                    None => w(out, Event::Empty(e)),
                    Some(evs) => {
                        let name = e.name().as_ref().to_string();
                        w(out, Event::Start(e))?;
                        for ev in evs {
                            w(out, ev)?;
                        }
                        w(out, Event::End(BytesEnd::new(name)))
                    }
                }
            }
        }
    }

    /// New cells for the current row before column `col`.
    fn flush_cells_before(&mut self, col: u32, out: &mut Out) -> Result<(), String> {
        let Some(row) = self.row else { return Ok(()) };
        let due: Vec<(u32, String)> = self
            .pending
            .range((row, 0)..(row, col))
            .map(|(&(_, c), v)| (c, v.clone()))
            .collect();
        for (c, v) in due {
            self.pending.remove(&(row, c));
            let style = self.row_style.clone().or_else(|| self.col_style(c));
            self.write_cell(row, c, style.as_deref(), &v, out)?;
            self.last_col = Some(c);
        }
        Ok(())
    }

    /// New rows for answers in rows the sheet does not have, before row `before`.
    fn flush_rows_before(&mut self, before: u32, out: &mut Out) -> Result<(), String> {
        let rows: Vec<u32> = self
            .pending
            .range(..(before, 0))
            .map(|(&(r, _), _)| r)
            .collect();
        let mut rows = rows;
        rows.dedup();
        for r in rows {
            let name = format!("{}row", self.prefix);
            let mut start = BytesStart::new(name.clone());
            start.push_attribute(("r", (r + 1).to_string().as_str()));
            w(out, Event::Start(start))?;
            self.row = Some(r);
            self.row_style = None;
            self.flush_cells_before(u32::MAX, out)?;
            self.row = None;
            w(out, Event::End(BytesEnd::new(name)))?;
        }
        Ok(())
    }

    fn col_style(&self, col: u32) -> Option<String> {
        self.col_styles
            .iter()
            .find(|(a, b, _)| (*a..=*b).contains(&col))
            .map(|(_, _, s)| s.clone())
    }

    fn write_cell(
        &self,
        row: u32,
        col: u32,
        style: Option<&str>,
        value: &str,
        out: &mut Out,
    ) -> Result<(), String> {
        let p = &self.prefix;
        let reference = format!("{}{}", crate::ingest::col_name(col), row + 1);
        let style = style.map(|s| format!(" s=\"{s}\"")).unwrap_or_default();
        let text = escape_cell_text(clip(value));
        let raw = format!(
            "<{p}c r=\"{reference}\"{style} t=\"inlineStr\"><{p}is><{p}t xml:space=\"preserve\">{text}</{p}t></{p}is></{p}c>"
        );
        out.get_mut()
            .write_all(raw.as_bytes())
            .map_err(|e| e.to_string())
    }

    /// The `<dimension ref>` widened to cover the answer cells.
    fn widen(&self, e: BytesStart<'static>) -> BytesStart<'static> {
        let Some((&(r_min, _), _)) = self.pending.iter().next() else {
            return e;
        };
        let r_max = self.pending.keys().map(|k| k.0).max().unwrap_or(r_min);
        let c_min = self.pending.keys().map(|k| k.1).min().unwrap_or(0);
        let c_max = self.pending.keys().map(|k| k.1).max().unwrap_or(0);
        let (mut r0, mut c0, mut r1, mut c1) = (r_min, c_min, r_max, c_max);
        if let Some((a, b, c, d)) = attr(&e, "ref").and_then(|r| ooxml::parse_range(&r)) {
            (r0, c0, r1, c1) = (r0.min(a), c0.min(b), r1.max(c), c1.max(d));
        }
        let reference = format!(
            "{}{}:{}{}",
            crate::ingest::col_name(c0),
            r0 + 1,
            crate::ingest::col_name(c1),
            r1 + 1
        );
        let mut new = BytesStart::new(e.name().as_ref().to_string());
        new.push_attribute(("ref", reference.as_str()));
        new
    }
}

fn prefix_of(e: &BytesStart<'_>) -> String {
    let name = e.name();
    let name = name.as_ref();
    name.find(':')
        .map(|i| name[..=i].to_string())
        .unwrap_or_default()
}

/// The events inside a `<c>` element, up to and not including its end.
fn read_cell_body(reader: &mut Reader<&[u8]>) -> Result<Vec<Event<'static>>, String> {
    let mut events = Vec::new();
    let mut depth = 0usize;
    let mut buf = Vec::new();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("not well-formed XML: {e}"))?
            .into_owned();
        match &ev {
            Event::Start(_) => depth += 1,
            Event::End(e) if depth == 0 && e.local_name().as_ref() == "c" => return Ok(events),
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => return Err("a cell is not closed".into()),
            _ => {}
        }
        events.push(ev);
        buf.clear();
    }
}

/// Text for `<t>`: XML escapes, control characters as `_xHHHH_`, and a literal
/// `_xHHHH_` protected as `_x005F_xHHHH_` so Excel does not decode it.
pub fn escape_cell_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let literal_escape = c == '_'
            && chars.get(i + 1) == Some(&'x')
            && chars.len() >= i + 7
            && chars[i + 2..i + 6].iter().all(char::is_ascii_hexdigit)
            && chars[i + 6] == '_';
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '_' if literal_escape => out.push_str("_x005F_"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("_x{:04X}_", c as u32));
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(v: &[((u32, u32), &str)]) -> Cells {
        v.iter().map(|(k, s)| (*k, s.to_string())).collect()
    }

    fn patch(xml: &str, v: &[((u32, u32), &str)]) -> String {
        String::from_utf8(patch_sheet(xml.as_bytes(), &cells(v)).unwrap()).unwrap()
    }

    const SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:B3"/><cols><col min="3" max="3" width="20" style="7" customWidth="1"/></cols><sheetData><row r="1" spans="1:2"><c r="A1" t="s"><v>0</v></c><c r="B1" s="2" t="s" cm="1"><v>1</v></c></row><row r="3" spans="1:2"><c r="A3"><f>1+1</f><v>2</v></c><c r="B3"/></row></sheetData><mergeCells count="1"><mergeCell ref="D5:E5"/></mergeCells></worksheet>"#;

    #[test]
    fn replaces_cells_keeping_style_and_dropping_cell_metadata() {
        let out = patch(SHEET, &[((0, 1), "Yes")]);
        assert!(
            out.contains(
                r#"<c r="B1" s="2" t="inlineStr"><is><t xml:space="preserve">Yes</t></is></c>"#
            ),
            "{out}"
        );
        assert!(!out.contains("cm=\"1\""));
        assert!(
            out.contains(r#"<row r="1">"#),
            "spans dropped on a touched row: {out}"
        );
        assert!(
            out.contains(r#"<row r="3" spans="1:2">"#),
            "untouched rows keep spans"
        );
        assert!(out.contains("<mergeCells count=\"1\">"), "the rest is kept");
    }

    #[test]
    fn inserts_missing_cells_and_rows_in_order_with_column_style() {
        let out = patch(SHEET, &[((0, 2), "c1"), ((1, 2), "c2"), ((5, 0), "far")]);
        let c1 = out.find(r#"<c r="C1" s="7""#).unwrap();
        let b1 = out.find(r#"r="B1""#).unwrap();
        assert!(b1 < c1, "C1 after B1: {out}");
        let row2 = out.find(r#"<row r="2"><c r="C2" s="7""#).unwrap();
        let row3 = out.find(r#"<row r="3""#).unwrap();
        assert!(row2 < row3, "new row 2 before row 3: {out}");
        let row6 = out.find(r#"<row r="6"><c r="A6""#).unwrap();
        assert!(row6 > row3 && row6 < out.find("</sheetData>").unwrap());
        assert!(out.contains(r#"<dimension ref="A1:C6"/>"#), "{out}");
    }

    #[test]
    fn never_writes_inside_an_array_formula() {
        let xml = r#"<worksheet><sheetData><row r="7"><c r="C7"><f t="array" ref="C7:C9">A7:A9*2</f><v>2</v></c></row><row r="8"><c r="C8"><v>4</v></c></row><row r="9"/></sheetData></worksheet>"#;
        let out = patch(
            xml,
            &[((7, 2), "over"), ((8, 2), "under"), ((7, 3), "beside")],
        );
        assert!(!out.contains("over") && !out.contains("under"), "{out}");
        assert!(out.contains(r#"<c r="C8"><v>4</v></c>"#), "{out}");
        assert!(
            out.contains("beside"),
            "cells outside the range are written: {out}"
        );
    }

    #[test]
    fn rows_out_of_order_are_not_patched() {
        let xml = r#"<worksheet><sheetData><row r="5"><c r="A5"><v>1</v></c></row><row r="3"><c r="A3"><v>1</v></c></row></sheetData></worksheet>"#;
        assert!(patch_sheet(xml.as_bytes(), &cells(&[((2, 1), "x")])).is_err());
    }

    #[test]
    fn never_overwrites_a_formula() {
        let out = patch(SHEET, &[((2, 0), "nope"), ((2, 1), "ok")]);
        assert!(out.contains("<f>1+1</f>"));
        assert!(!out.contains("nope"));
        assert!(out.contains(r#"<c r="B3" t="inlineStr">"#), "{out}");
    }

    #[test]
    fn keeps_the_namespace_prefix_and_tracks_cells_without_references() {
        let xml = r#"<x:worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main"><x:sheetData><x:row><x:c t="s"><x:v>0</x:v></x:c><x:c/></x:row></x:sheetData></x:worksheet>"#;
        let out = patch(xml, &[((0, 1), "B"), ((0, 3), "D")]);
        assert!(
            out.contains(
                r#"<x:c r="B1" t="inlineStr"><x:is><x:t xml:space="preserve">B</x:t></x:is></x:c>"#
            ),
            "{out}"
        );
        assert!(out.contains(r#"<x:c r="D1" t="inlineStr">"#), "{out}");
        let empty = r#"<worksheet><sheetData/></worksheet>"#;
        assert!(
            patch(empty, &[((1, 1), "x")])
                .contains(r#"<sheetData><row r="2"><c r="B2" t="inlineStr">"#)
        );
    }

    #[test]
    fn escapes_markup_control_characters_and_literal_escapes() {
        assert_eq!(
            escape_cell_text("a & <b> \u{1}"),
            "a &amp; &lt;b&gt; _x0001_"
        );
        assert_eq!(escape_cell_text("_x0041_"), "_x005F_x0041_");
        assert_eq!(escape_cell_text("line\nbreak"), "line\nbreak");
    }
}
