// A form with data-confirm asks first; Cancel keeps the page as it is. Without JavaScript
// the form submits as it is (the Content-Security-Policy allows no inline handlers).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
