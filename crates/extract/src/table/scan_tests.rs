//! Tables on scanned invoices whose headers are centred over left-aligned descriptions and
//! right-aligned figures, with the marks a scan leaves: boxes as OCR read such pages.

use super::line_items;
use crate::cells::rows;
use crate::testing::ocr_lines_page;

/// The items of a page of OCR lines at the given boxes, as (description, amount).
pub(super) fn read(lines: &[(&str, [f32; 4])]) -> Vec<(String, String)> {
    line_items(&rows(&[ocr_lines_page(lines)]))
        .into_iter()
        .map(|i| (i.description.value, i.amount.value))
        .collect()
}

/// A description's second line starts under no header, just right of "No." and left of the
/// centred "Description", and a "0" the scan left under "Rate" sits beside it: the line still
/// goes on the item's description.
#[test]
fn a_wrapped_line_left_of_a_centred_header_beside_a_speck_continues_the_description() {
    let got = read(&[
        ("No.", [62.0, 710.0, 95.0, 734.0]),
        ("Description", [236.0, 702.0, 331.0, 726.0]),
        ("SAC", [475.0, 710.0, 519.0, 734.0]),
        ("Rate", [601.0, 701.0, 646.0, 725.0]),
        ("Value", [681.0, 710.0, 734.0, 734.0]),
        ("1", [74.0, 772.0, 87.0, 786.0]),
        (
            "Onsite Technical Consultant for 15-",
            [101.0, 768.0, 466.0, 789.0],
        ),
        ("998313", [468.0, 767.0, 526.0, 790.0]),
        ("139,883.0", [590.0, 767.0, 660.0, 788.0]),
        ("139,883.00", [668.0, 768.0, 747.0, 789.0]),
        ("02-22 - 14-03-22", [98.0, 792.0, 212.0, 813.0]),
        ("0", [613.0, 794.0, 634.0, 812.0]),
        ("Total", [241.0, 830.0, 285.0, 854.0]),
        ("139,883.00", [668.0, 830.0, 747.0, 854.0]),
    ]);
    assert_eq!(
        got,
        [(
            "Onsite Technical Consultant for 15- 02-22 - 14-03-22".to_string(),
            "139883.00".to_string()
        )]
    );
}

/// "Amount" over "(INR)" in the header row is one column, and the item's figure set flush
/// right past both is its amount; a description over two lines beside its figures is whole.
#[test]
fn a_currency_under_the_amount_s_name_and_a_figure_right_of_it_read_as_the_amount() {
    let got = read(&[
        ("S.No.", [49.0, 790.0, 108.0, 820.0]),
        ("Particulars", [308.0, 793.0, 408.0, 818.0]),
        ("Qty", [745.0, 789.0, 791.0, 822.0]),
        ("Rate", [862.0, 793.0, 910.0, 817.0]),
        ("Amount", [1010.0, 780.0, 1088.0, 807.0]),
        ("(INR)", [1022.0, 803.0, 1076.0, 830.0]),
        ("1", [69.0, 836.0, 89.0, 860.0]),
        (
            "Repayment facilitation services for",
            [121.0, 828.0, 577.0, 851.0],
        ),
        ("the month of Feb-22", [122.0, 847.0, 273.0, 869.0]),
        ("784,641.59", [725.0, 844.0, 813.0, 868.0]),
        ("0.085", [862.0, 845.0, 911.0, 867.0]),
        ("66,459.14", [1065.0, 844.0, 1145.0, 868.0]),
        ("2", [69.0, 898.0, 88.0, 922.0]),
        ("Rate adjustment", [123.0, 899.0, 404.0, 921.0]),
        ("35.86", [744.0, 908.0, 794.0, 930.0]),
        ("1.000", [862.0, 907.0, 912.0, 932.0]),
        ("35.86", [1097.0, 906.0, 1149.0, 931.0]),
    ]);
    assert_eq!(
        got,
        [
            (
                "Repayment facilitation services for the month of Feb-22".to_string(),
                "66459.14".to_string()
            ),
            ("Rate adjustment".to_string(), "35.86".to_string()),
        ]
    );
}

/// "Taxable" over "Amount(Rs)" heads the amount before tax, left of the total with GST; the
/// tax rows under the item ("CGST-9% 20,365.30") are no items.
#[test]
fn a_taxable_amount_is_the_line_s_and_tax_rows_at_a_rate_are_not_items() {
    let got = read(&[
        ("Item Description", [162.0, 1026.0, 304.0, 1049.0]),
        ("Quantity", [393.0, 1026.0, 468.0, 1050.0]),
        ("HSN/SAC", [620.0, 1026.0, 700.0, 1050.0]),
        ("Taxable", [728.0, 1015.0, 800.0, 1038.0]),
        ("Amount(Rs)", [715.0, 1035.0, 817.0, 1059.0]),
        ("Total", [1043.0, 1026.0, 1092.0, 1048.0]),
        ("Incentive", [144.0, 1210.0, 217.0, 1231.0]),
        ("1", [393.0, 1213.0, 404.0, 1227.0]),
        ("476000", [757.0, 1206.0, 820.0, 1233.0]),
        ("561680", [1040.0, 1206.0, 1104.0, 1232.0]),
        ("CGST-9%", [651.0, 1250.0, 740.0, 1273.0]),
        ("42,840.00", [757.0, 1250.0, 820.0, 1273.0]),
        ("SGST-9%", [651.0, 1275.0, 740.0, 1298.0]),
        ("42,840.00", [757.0, 1275.0, 820.0, 1298.0]),
    ]);
    assert_eq!(got, [("Incentive".to_string(), "476000".to_string())]);
}

/// An item whose code and quantity are printed on its first line and its price and amount on
/// the second, its serial number's column coming before the code's: one item, both lines its
/// description.
#[test]
fn a_code_in_the_second_code_column_starts_an_item_whose_figures_follow() {
    let got = read(&[
        ("SR", [21.0, 790.0, 55.0, 817.0]),
        ("PRODUCT/SERVICES", [58.0, 790.0, 239.0, 815.0]),
        ("HSN/SAC|QTY", [317.0, 789.0, 441.0, 816.0]),
        ("RATE", [485.0, 790.0, 546.0, 816.0]),
        ("GROSS", [607.0, 789.0, 676.0, 814.0]),
        ("NO.", [20.0, 811.0, 59.0, 840.0]),
        ("3G WiFi Terminals Sign Up", [62.0, 843.0, 278.0, 868.0]),
        ("997159", [318.0, 842.0, 376.0, 868.0]),
        ("4.000", [397.0, 842.0, 448.0, 867.0]),
        ("QTE", [448.0, 842.0, 493.0, 868.0]),
        ("1", [30.0, 873.0, 48.0, 892.0]),
        ("Charges For January 2022", [62.0, 870.0, 265.0, 894.0]),
        ("1,500.00", [498.0, 870.0, 562.0, 891.0]),
        ("6,000.00", [610.0, 871.0, 677.0, 892.0]),
        ("Total", [25.0, 910.0, 95.0, 935.0]),
        ("6,000.00", [609.0, 914.0, 678.0, 937.0]),
    ]);
    assert_eq!(
        got,
        [(
            "3G WiFi Terminals Sign Up Charges For January 2022".to_string(),
            "6000.00".to_string()
        )]
    );
}
