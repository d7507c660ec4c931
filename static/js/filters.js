// The dashboard's filters: the date fields show the days a range such as "Last 30 days"
// stands for; changing one of them means custom dates, so the period follows it.
document.querySelectorAll("form.filters").forEach(function (form) {
  var range = form.elements.namedItem("range");
  ["start", "end"].forEach(function (name) {
    var input = form.elements.namedItem(name);
    if (!range || !input) return;
    input.addEventListener("change", function () { range.value = "custom"; });
  });
});
