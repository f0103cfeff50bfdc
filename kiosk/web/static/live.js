/* kiosk web: swaps in the live fragment sent by the server's event stream, and announces a
   call (vibration, and a chime once the citizen tapped "Bật âm báo"). No data is kept. */
(function () {
  "use strict";
  var body = document.body;
  var live = document.getElementById("live");
  var conn = document.getElementById("conn");
  var sound = document.getElementById("sound");
  var lastAlert = body.getAttribute("data-alert") || "";
  var audio = null;

  function chime() {
    if (!audio) return;
    var t = audio.currentTime;
    [[784, 0], [659, 0.32], [523, 0.64]].forEach(function (n) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = n[0];
      gain.gain.setValueAtTime(0.0001, t + n[1]);
      gain.gain.exponentialRampToValueAtTime(0.6, t + n[1] + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + n[1] + 0.7);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(t + n[1]);
      osc.stop(t + n[1] + 0.75);
    });
  }

  function announce() {
    if (navigator.vibrate) {
      try { navigator.vibrate([400, 150, 400, 150, 400]); } catch (e) { /* not allowed */ }
    }
    chime();
    var n = Number(body.getAttribute("data-announced") || "0") + 1;
    body.setAttribute("data-announced", String(n));
  }

  if (sound) {
    sound.hidden = false;
    sound.addEventListener("click", function () {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!audio && Ctx) audio = new Ctx();
      if (audio && audio.resume) audio.resume();
      sound.textContent = sound.getAttribute("data-on");
      sound.classList.add("on");
      chime();
    });
  }

  var url = body.getAttribute("data-stream");
  if (!url || !window.EventSource) return;
  var retry = null;

  function connect() {
    var es = new EventSource(url);
    es.onopen = function () { conn.hidden = true; };
    es.onmessage = function (ev) {
      var msg = JSON.parse(ev.data);
      live.innerHTML = msg.html;
      conn.hidden = true;
      body.setAttribute("data-updates", String(Number(body.getAttribute("data-updates") || "0") + 1));
      if (msg.alert && msg.alert !== lastAlert) {
        lastAlert = msg.alert;
        announce();
      }
    };
    es.addEventListener("end", function () { es.close(); window.location.reload(); });
    es.onerror = function () {
      conn.hidden = false;
      if (es.readyState === 2) {  /* CLOSED: the server refused or is gone; try again */
        clearTimeout(retry);
        retry = setTimeout(connect, 3000);
      }
    };
  }
  connect();
})();
