/* Accessible names the Django admin leaves out (found by the axe-core scan in tests/test_browser.py):
   - a tabular inline's fields are labelled only by their column heading, which is not the
     accessible name of a form field: name each one after its heading ("Quantity");
   - an autocomplete box (Select2) is named after its current value alone, and the read-only
     textbox showing that value not at all, so both have no name while empty: name them after the
     field's label (the box: the label, then its value).
   Runs after the admin's own scripts have built the widgets, and again for each added inline form. */
"use strict";
{
    function labelTabularFields(root) {
        // The hidden template row is labelled too, so the rows "Add another" copies from it are.
        root.querySelectorAll(".tabular td[class*='field-'], .tabular td.delete").forEach((cell) => {
            const table = cell.closest("table");
            const name = Array.from(cell.classList).find((c) => c.startsWith("field-"));
            const heading = name
                ? table.querySelector(`th.column-${name.slice("field-".length)}`)
                : table.querySelector("thead th:last-child");
            const text = heading ? heading.textContent.trim() : "";
            cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach((field) => {
                if (text && !field.labels.length && !field.hasAttribute("aria-label")) {
                    field.setAttribute("aria-label", text);
                }
            });
        });
    }

    function nameAutocompleteBoxes(root) {
        root.querySelectorAll("select.admin-autocomplete + .select2 .select2-selection[role=combobox]").forEach((box) => {
            const label = box.closest(".select2").previousElementSibling.labels[0];
            const value = box.querySelector(".select2-selection__rendered");
            if (!label || value.hasAttribute("aria-labelledby")) {
                return;
            }
            label.id = label.id || `${label.htmlFor}-label`;
            box.setAttribute("aria-labelledby", `${label.id} ${value.id}`);
            value.setAttribute("aria-labelledby", label.id);
        });
    }

    function fix(root) {
        labelTabularFields(root);
        nameAutocompleteBoxes(root);
    }

    if (window.django && window.django.jQuery) {
        window.django.jQuery(() => fix(document));  // after autocomplete.js has built its boxes
    } else {
        document.addEventListener("DOMContentLoaded", () => fix(document));
    }
    document.addEventListener("formset:added", (event) => fix(event.target.closest(".inline-group") || document));
}
