// Portal behaviour that needs script: htmx error messages and confirmations. No inline scripts (CSP).
(function () {
  "use strict";

  // Narrow screens hide the side navigation behind 菜单 only when this script runs (no JS: it stays shown).
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".nav-toggle");
    if (!toggle) { return; }
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  function showHtmxError(message) {
    var box = document.getElementById("htmx-error");
    if (!box) { return; }
    box.textContent = message;
    box.hidden = false;
  }

  // htmx does not swap 4xx/5xx responses, so without this a failed request is silent.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var message = status === 403 ? "没有权限执行此操作（403）"
      : status === 404 ? "记录不存在或不在您的权限范围内（404）"
      : status === 429 ? "操作过于频繁，请稍后再试（429）"
      : "操作失败，请刷新页面后重试（错误 " + status + "）";
    showHtmxError(message);
  });
  document.addEventListener("htmx:sendError", function () {
    showHtmxError("无法连接服务器，请检查网络后重试");
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("htmx-error");
    if (box) { box.hidden = true; }
  });

  // Length limits: fields carry data-maxlength (never maxlength, which cuts pasted text silently);
  // a live count beside the field says how much is left, and the server refuses what is too long.
  function countCharacters(value) {
    return Array.from(value).length;  // code points, as the server counts them
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    var limit = input.getAttribute && parseInt(input.getAttribute("data-maxlength"), 10);
    if (!limit) { return; }
    var counter = document.getElementById(input.id + "-count");
    if (!counter) { return; }
    var used = countCharacters(input.value);
    counter.textContent = used > limit
      ? used + " / " + limit + "，已超出 " + (used - limit) + " 字"
      : used + " / " + limit;
    counter.classList.toggle("over", used > limit);
    if (counter.hasAttribute("data-quiet")) { counter.hidden = used < limit * 0.8; }
  });

  // Destructive actions ask first: forms and buttons carry data-confirm="…".
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // A form opened under a work-list row: 取消 closes it in place (the link is the no-JS way back).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-clear-slot]");
    if (!link) { return; }
    var slot = link.closest(".work-item-slot");
    if (slot) {
      event.preventDefault();
      var row = slot.closest(".work-item");
      slot.innerHTML = "";
      var opener = row && row.querySelector(".work-item-actions a, .work-item-actions button");
      if (opener) { opener.focus(); }
    }
  });

  // Long forms (data-enter-guard): Enter in a single-line field moves to the next field instead of
  // submitting a half-filled form; Enter still submits from the last field and on the buttons.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing || event.ctrlKey || event.metaKey) { return; }
    var input = event.target;
    if (!input || input.tagName !== "INPUT" || !input.form || !input.form.hasAttribute("data-enter-guard")) { return; }
    if (/^(submit|button|checkbox|radio|file|reset|image)$/.test(input.type)) { return; }
    var fields = Array.prototype.filter.call(input.form.elements, function (el) {
      return !el.disabled && el.type !== "hidden" && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName);
    });
    var next = fields[fields.indexOf(input) + 1];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  });
  document.addEventListener("htmx:confirm", function (event) {
    var question = event.detail.elt.getAttribute("data-confirm");
    if (question) {
      event.preventDefault();
      if (window.confirm(question)) { event.detail.issueRequest(true); }
    }
  });
})();
