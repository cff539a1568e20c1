/* The award filters send only the fields that have a value, so the address after "Apply" holds
   the filters in use rather than every empty one (the server reads an empty field as no filter
   either way). The fields themselves are left as they are: going back shows the form unchanged. */
"use strict";
document.querySelectorAll("form[data-omit-empty]").forEach((form) => {
    form.addEventListener("formdata", (event) => {
        for (const name of new Set(event.formData.keys())) {
            if (event.formData.getAll(name).every((value) => value === "")) {
                event.formData.delete(name);
            }
        }
    });
});
