//! Writes the questionnaires in `fixtures/` that the tests and the README use.
//!
//! Run `cargo run --example make_fixtures` after changing it; the files are
//! committed so that a fresh clone can run `qfill fill fixtures/...` at once.
//! `legacy-marks.xls` is `mark-columns.xlsx` saved as xls by LibreOffice
//! (`soffice --headless --convert-to xls`), as no Rust crate writes xls.

use rust_xlsxwriter::{DataValidation, DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

fn book() -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    // Fixed timestamp: regenerating gives identical bytes.
    wb.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2026, 1, 1)?),
    );
    Ok(wb)
}

/// A buyer's assessment: a cover sheet and two question sheets with title rows,
/// merged section rows, a Yes/No/N/A dropdown and a comments column.
fn vendor_assessment() -> Result<(), XlsxError> {
    let mut wb = book()?;
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let section = Format::new().set_bold().set_background_color("D9E1F2");

    let cover = wb.add_worksheet().set_name("Cover")?;
    cover.write_with_format(0, 0, "Acme Corp Supplier Security Assessment", &title)?;
    cover.write(
        2,
        0,
        "Please answer every question on the Security and Privacy & Legal tabs.",
    )?;
    cover.write(3, 0, "Return the completed workbook to procurement@acme.example. Do you have questions? Ask your contact.")?;

    let ws = wb.add_worksheet().set_name("Security")?;
    ws.merge_range(0, 0, 0, 3, "Information Security Questionnaire", &title)?;
    ws.merge_range(
        1,
        0,
        1,
        3,
        "Select Yes, No or N/A in column C and explain in column D.",
        &Format::new(),
    )?;
    ws.write_with_format(3, 0, "Supplier name:", &bold)?;
    for (c, h) in ["Ref", "Question", "Response (Yes/No/N/A)", "Comments"]
        .iter()
        .enumerate()
    {
        ws.write_with_format(4, c as u16, *h, &bold)?;
    }
    let sections: [(&str, &[(&str, &str)]); 3] = [
        (
            "Certification",
            &[
                ("SEC-1.1", "Are you ISO 27001 certified?"),
                (
                    "SEC-1.2",
                    "Does your ISO 27001 certification cover your mobile app?",
                ),
                (
                    "SEC-1.3",
                    "Does your ISO 27001 certification make you GDPR compliant?",
                ),
            ],
        ),
        (
            "Access and encryption",
            &[
                (
                    "SEC-2.1",
                    "Is multi-factor authentication enforced for all employee access?",
                ),
                ("SEC-2.2", "Do you encrypt customer data at rest?"),
                ("SEC-2.3", "How often do you review user access rights?"),
            ],
        ),
        (
            "Operations",
            &[
                (
                    "SEC-3.1",
                    "Do you perform penetration tests by an independent third party?",
                ),
                (
                    "SEC-3.2",
                    "Which Annex A controls are only partially implemented or planned?",
                ),
                (
                    "SEC-3.3",
                    "What colour is the carpet in your reception area?",
                ),
            ],
        ),
    ];
    let mut row = 5;
    for (name, questions) in sections {
        ws.merge_range(row, 0, row, 3, name, &section)?;
        row += 1;
        for (id, q) in questions {
            ws.write(row, 0, *id)?;
            ws.write(row, 1, *q)?;
            row += 1;
        }
    }
    let dv = DataValidation::new().allow_list_strings(&["Yes", "No", "N/A"])?;
    ws.add_data_validation(5, 2, row - 1, 2, &dv)?;
    ws.write(row + 1, 0, "End of questionnaire")?;
    ws.set_column_width(1, 70)?;
    ws.set_column_width(3, 60)?;

    let ws = wb.add_worksheet().set_name("Privacy & Legal")?;
    ws.write_with_format(0, 0, "Privacy and contractual questions", &title)?;
    for (c, h) in ["#", "Requirement", "Answer", "Notes"].iter().enumerate() {
        ws.write_with_format(2, c as u16, *h, &bold)?;
    }
    let rows: [(f64, &str, &str); 5] = [
        (1.0, "Will you sign a data processing agreement (DPA)?", ""),
        (
            2.0,
            "Do you use our data to train AI or machine learning models?",
            "",
        ),
        (
            3.0,
            "Do you carry cyber liability insurance?",
            "Yes, see certificate attached.",
        ),
        (
            4.0,
            "Please provide your company's legal name, address and number of employees.",
            "Vendor Name",
        ),
        (5.0, "Where is our data stored?", ""),
    ];
    for (i, (n, q, existing)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write(r, 0, *n)?;
        ws.write(r, 1, *q)?;
        if !existing.is_empty() {
            ws.write(r, 2, *existing)?;
        }
    }
    ws.set_column_width(1, 70)?;
    wb.save("fixtures/vendor-assessment.xlsx")
}

/// CAIQ v3 style: one column each for Yes, No and Not Applicable under a merged header.
fn mark_columns() -> Result<(), XlsxError> {
    let mut wb = book()?;
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet().set_name("Assessment")?;
    ws.write_with_format(0, 0, "Question ID", &bold)?;
    ws.write_with_format(0, 1, "Assessment Question", &bold)?;
    ws.merge_range(0, 2, 0, 4, "Assessment Answers", &bold)?;
    ws.write_with_format(0, 5, "Notes", &bold)?;
    for (c, h) in ["Yes", "No", "Not Applicable"].iter().enumerate() {
        ws.write_with_format(1, 2 + c as u16, *h, &bold)?;
    }
    let qs = [
        ("CRY-01.1", "Do you encrypt customer data at rest?"),
        (
            "CRY-01.2",
            "Do you support customer-managed encryption keys (BYOK)?",
        ),
        ("HRS-02.1", "Do you perform background checks on employees?"),
    ];
    for (i, (id, q)) in qs.iter().enumerate() {
        ws.write(2 + i as u32, 0, *id)?;
        ws.write(2 + i as u32, 1, *q)?;
    }
    wb.save("fixtures/mark-columns.xlsx")
}

/// An OpenDocument spreadsheet, written by hand: a zip with `mimetype` stored
/// first, a manifest and `content.xml`.
fn ods() -> std::io::Result<()> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let rows = [
        ("ID", "Question", "Answer"),
        ("1", "Do you encrypt customer data at rest?", ""),
        ("2", "Do you have a business continuity plan?", ""),
    ];
    let mut table = String::new();
    for (a, b, c) in rows {
        table.push_str("<table:table-row>");
        for v in [a, b, c] {
            if v.is_empty() {
                table.push_str("<table:table-cell/>");
            } else {
                table.push_str(&format!(
                    "<table:table-cell office:value-type=\"string\"><text:p>{v}</text:p></table:table-cell>"
                ));
            }
        }
        table.push_str("</table:table-row>");
    }
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Questions">{table}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let file = std::fs::File::create("fixtures/open-document.ods")?;
    let mut zip = zip::ZipWriter::new(file);
    let stored = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    let deflated = stored.compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")?;
    zip.start_file("META-INF/manifest.xml", deflated)?;
    zip.write_all(manifest.as_bytes())?;
    zip.start_file("content.xml", deflated)?;
    zip.write_all(content.as_bytes())?;
    zip.finish()?;
    Ok(())
}

/// A labelled workbook for `qfill eval`: the Expected columns say the right answer.
fn eval_expected() -> Result<(), XlsxError> {
    let mut wb = book()?;
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet().set_name("Questions")?;
    for (c, h) in ["ID", "Question", "Answer", "Expected ID", "Expected Circle"]
        .iter()
        .enumerate()
    {
        ws.write_with_format(0, c as u16, *h, &bold)?;
    }
    let rows = [
        (
            "E1",
            "Do you encrypt customer data at rest?",
            "crypto.at-rest",
            "product",
        ),
        (
            "E2",
            "Do you have a documented incident response plan?",
            "incident.response-plan",
            "isms",
        ),
        (
            "E3",
            "Will you sign a data processing agreement (DPA)?",
            "privacy.dpa",
            "legal",
        ),
        (
            "E4",
            "What colour is the carpet in your reception area?",
            "",
            "isms",
        ),
    ];
    for (i, (id, q, e, c)) in rows.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write(r, 0, *id)?;
        ws.write(r, 1, *q)?;
        if !e.is_empty() {
            ws.write(r, 3, *e)?;
        }
        ws.write(r, 4, *c)?;
    }
    wb.save("fixtures/eval-expected.xlsx")
}

fn main() -> Result<(), XlsxError> {
    eval_expected()?;
    vendor_assessment()?;
    mark_columns()?;
    ods().map_err(XlsxError::IoError)?;
    std::fs::write(
        "fixtures/short-form.csv",
        "ID,Question,Answer,Comments\n\
         Q1,Do you have a documented incident response plan?,,\n\
         Q2,\"Do you back up customer data, and how often?\",,\n\
         Q3,Is your product ISO 27001 certified?,,\n\
         Q4,What is the airspeed velocity of an unladen swallow?,,\n",
    )
    .map_err(XlsxError::IoError)?;
    println!(
        "wrote fixtures/vendor-assessment.xlsx, mark-columns.xlsx, open-document.ods, eval-expected.xlsx, short-form.csv"
    );
    Ok(())
}
