// Tradepost front-end: fills JS-rendered ad fields, runs countdowns, shows activity toasts and
// wires modals, cookie banners, galleries and the phone reveal. No dependencies.
(function () {
  "use strict";

  // Ad fields rendered client-side from the JSON API (a plain HTTP fetch sees only placeholders).
  function fillAdFields() {
    var nodes = document.querySelectorAll("[data-js-field][data-ad]");
    if (!nodes.length) return;
    var id = nodes[0].getAttribute("data-ad");
    fetch("/api/ads/" + id + ".json", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (ad) {
        nodes.forEach(function (el) {
          var field = el.getAttribute("data-js-field");
          if (field === "description") {
            el.innerHTML = "";
            var p = document.createElement("p");
            p.textContent = ad.description;
            el.appendChild(p);
          } else if (field === "price") {
            el.textContent = ad.price_text;
            if (el.hasAttribute("itemprop") && ad.price !== null) {
              el.setAttribute("content", ad.price.toFixed(2));
            }
          }
        });
      })
      .catch(function () {
        nodes.forEach(function (el) { el.textContent = "Could not load this section."; });
      });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // Countdowns tick towards data-deadline; whether that deadline is real is decided by the server.
  function startCountdowns() {
    var timers = document.querySelectorAll(".countdown[data-deadline]");
    if (!timers.length) return;
    function tick() {
      var now = Date.now();
      timers.forEach(function (el) {
        var left = Math.max(0, Date.parse(el.getAttribute("data-deadline")) - now);
        var s = Math.floor(left / 1000);
        var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
        var text = h > 0 ? pad(h) + ":" + pad(m) + ":" + pad(sec) : pad(m) + ":" + pad(sec);
        var out = el.querySelector(".cd-val");
        if (out) out.textContent = left > 0 ? text : "ended";
      });
    }
    tick();
    setInterval(tick, 1000);
  }

  // Made-up purchase notifications: a random name, town and time on every page load.
  var NAMES = ["Emma", "Liam", "Olivia", "Noah", "Charlotte", "Jack", "Mia", "Oscar", "Ruby", "Leo",
               "Zoe", "Harper", "Isla", "Lucas", "Grace", "Chloe"];
  var TOWNS = ["Perth", "Sydney", "Melbourne", "Brisbane", "Adelaide", "Hobart", "Geelong", "Cairns",
               "Darwin", "Newcastle", "Wollongong", "Ballarat", "Toowoomba"];
  function pick(list) { return list[Math.floor(Math.random() * list.length)]; }
  function startActivityToasts() {
    var product = document.body.getAttribute("data-activity");
    if (!product) return;
    var toast = document.createElement("div");
    toast.id = "activity-toast";
    toast.className = "toast";
    toast.setAttribute("role", "status");
    document.body.appendChild(toast);
    function show() {
      var mins = 1 + Math.floor(Math.random() * 58);
      toast.textContent = pick(NAMES) + " from " + pick(TOWNS) + " just bought this " + mins +
        (mins === 1 ? " minute ago" : " minutes ago");
      toast.classList.remove("hide");
      setTimeout(function () { toast.classList.add("hide"); }, 5000);
    }
    show();
    setInterval(show, 8000);
  }

  function wireOverlays() {
    var modal = document.getElementById("nl-modal");
    if (modal) {
      var close = function () { modal.classList.remove("open"); };
      modal.querySelectorAll(".nl-decline, .nl-close").forEach(function (b) { b.addEventListener("click", close); });
      var form = modal.querySelector(".nl-form");
      if (form) form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        modal.querySelector(".modal-box").innerHTML = "<h2>Thanks! Check your inbox.</h2>";
        setTimeout(close, 1200);
      });
    }
    var banner = document.getElementById("cookie-banner");
    if (banner) {
      banner.querySelectorAll(".cb-accept, .cb-reject").forEach(function (b) {
        b.addEventListener("click", function (ev) { ev.preventDefault(); banner.remove(); });
      });
    }
  }

  function wireAdPage() {
    document.querySelectorAll(".show-phone").forEach(function (b) {
      b.addEventListener("click", function () { b.textContent = b.getAttribute("data-phone"); });
    });
    document.querySelectorAll("img[data-full]").forEach(function (t) {
      t.addEventListener("click", function () {
        var gallery = t.closest(".ad-gallery, .listing__media, .ph");
        var main = gallery && gallery.querySelector("img:not([data-full])");
        if (main) main.src = t.getAttribute("data-full");
      });
    });
  }

  function init() {
    fillAdFields();
    startCountdowns();
    startActivityToasts();
    wireOverlays();
    wireAdPage();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
