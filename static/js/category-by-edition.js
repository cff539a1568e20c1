/* A nomination's category box asks only for the categories of the programme of the edition chosen
   in the same form: each request of a box made by CategoryByEditionSelect (registry/admin/
   category_choice.py) carries that edition's id. Django's autocomplete itself sends nothing of the
   rest of the form. */
"use strict";
{
    const $ = django.jQuery;
    $.ajaxPrefilter((options) => {
        const box = document.querySelector("select.admin-autocomplete[data-field-name=category]");
        const edition = document.getElementById("id_edition");
        if (!box || !edition || !edition.value || !options.url.startsWith(box.getAttribute("data-ajax--url"))) {
            return;
        }
        options.url += (options.url.includes("?") ? "&" : "?") + "edition=" + encodeURIComponent(edition.value);
    });
}
