/*
 * 电子证照离线核验 — the front-desk verifier page (served by the BFF at /verify).
 *
 * Verifies a presentation token (亮证二维码: compact JWS, typ ov-licence+jwt, ES256 or EdDSA)
 * entirely in the browser with WebCrypto, against the platform's public keys fetched once from
 * /.well-known/jwks.json and cached in localStorage. Checks: signature, typ, issuer, claims,
 * lifetime (≤ 60 s) and expiry. It cannot check single use or revocation: that takes the online
 * API (/open/v1/licences/verify). Plain script, no build step, no external resources.
 */
(function () {
  'use strict';

  var JWKS_URL = '/.well-known/jwks.json';
  var LABELS_URL = '/verify/labels.json';
  var KEYS_CACHE = 'ov-licence-verifier:jwks';
  var LABELS_CACHE = 'ov-licence-verifier:labels';
  /** Refetch the key set at most this often when a token names a key we do not hold. */
  var UNKNOWN_KID_REFETCH_MS = 30 * 1000;
  /** Refresh cached keys in the background when older than this. */
  var KEYS_STALE_MS = 6 * 60 * 60 * 1000;
  var RESULT_CLEAR_MS = 5 * 60 * 1000;
  var COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
  var JWS_IN_TEXT = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;
  var LICENCE_ID = /^1\.2\.156\.3005\.2\.[0-9A-Z]{21}\.[0-9A-Z]{18}\.[0-9A-Z]{1,24}\.\d{3}\.[0-9A-Z]$/;

  /** Used until /verify/labels.json (generated from shared-types) has loaded once. */
  var FALLBACK_LABELS = {
    issuer: null,
    tokenType: 'ov-licence+jwt',
    maxSeconds: 60,
    clockToleranceSeconds: 5,
    licenceTypes: {},
    purposes: {},
    fields: [],
  };

  var el = {
    input: document.getElementById('token-input'),
    verifyBtn: document.getElementById('verify-btn'),
    cameraBtn: document.getElementById('camera-btn'),
    clearBtn: document.getElementById('clear-btn'),
    cameraNote: document.getElementById('camera-note'),
    video: document.getElementById('camera-video'),
    status: document.getElementById('status'),
    statusTitle: document.getElementById('status-title'),
    statusDetail: document.getElementById('status-detail'),
    countdown: document.getElementById('countdown'),
    result: document.getElementById('result'),
    licenceType: document.getElementById('licence-type'),
    purpose: document.getElementById('purpose'),
    verifiedAt: document.getElementById('verified-at'),
    fields: document.querySelector('#fields tbody'),
    tokenMeta: document.getElementById('token-meta'),
    keysStatus: document.getElementById('keys-status'),
    refreshKeys: document.getElementById('refresh-keys'),
  };

  var labels = readCache(LABELS_CACHE) || FALLBACK_LABELS;
  /** { keys: JWK[], fetchedAt: ms } */
  var keyCache = readCache(KEYS_CACHE);
  var lastKeyFetch = 0;
  var countdownTimer = null;
  var clearTimer = null;
  var camera = null;
  var verifying = false;

  // ---------- storage and network ----------

  function readCache(name) {
    try {
      var raw = window.localStorage.getItem(name);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null;
    }
  }

  function writeCache(name, value) {
    try {
      window.localStorage.setItem(name, JSON.stringify(value));
    } catch (e) {
      /* private mode or full: keep it in memory only */
    }
  }

  function fetchJson(url) {
    return fetch(url, { cache: 'no-store', credentials: 'omit' }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    });
  }

  function loadLabels() {
    return fetchJson(LABELS_URL).then(
      function (fresh) {
        if (fresh && fresh.tokenType && Array.isArray(fresh.fields)) {
          labels = fresh;
          writeCache(LABELS_CACHE, fresh);
        }
      },
      function () {
        /* offline: the cached copy (or the fallback) serves */
      },
    );
  }

  /** Fetches the key set and caches it; resolves true when it did. */
  function refreshKeys() {
    lastKeyFetch = Date.now();
    return fetchJson(JWKS_URL).then(
      function (jwks) {
        var keys = jwks && Array.isArray(jwks.keys) ? jwks.keys.filter(function (k) { return k && typeof k.kid === 'string'; }) : [];
        if (!keys.length) throw new Error('empty key set');
        keyCache = { keys: keys, fetchedAt: Date.now() };
        writeCache(KEYS_CACHE, keyCache);
        showKeysStatus();
        return true;
      },
    ).catch(function () {
      showKeysStatus('（更新失败：无法连接平台）');
      return false;
    });
  }

  function showKeysStatus(suffix) {
    if (!keyCache || !keyCache.keys || !keyCache.keys.length) {
      el.keysStatus.textContent = '尚未下载平台公钥，请联网后点击“更新密钥”' + (suffix || '');
      return;
    }
    el.keysStatus.textContent =
      '已缓存平台公钥 ' + keyCache.keys.length + ' 把（' + keyCache.keys.map(function (k) { return k.kid; }).join('、') + '），更新于 ' +
      formatDateTime(keyCache.fetchedAt) + (suffix || '');
  }

  function findKey(kid) {
    if (!keyCache || !Array.isArray(keyCache.keys)) return null;
    for (var i = 0; i < keyCache.keys.length; i++) if (keyCache.keys[i].kid === kid) return keyCache.keys[i];
    return null;
  }

  // ---------- encoding ----------

  function b64urlBytes(part) {
    var s = part.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function b64urlJson(part) {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b64urlBytes(part)));
  }

  function normaliseTyp(typ) {
    var t = String(typ).toLowerCase();
    return t.indexOf('application/') === 0 ? t.slice('application/'.length) : t;
  }

  function isObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  }

  function isInt(v) {
    return typeof v === 'number' && Number.isInteger(v);
  }

  function formatTime(seconds) {
    return new Date(seconds * 1000).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
  }

  function formatDateTime(ms) {
    return new Date(ms).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
  }

  // ---------- verification ----------

  function refuse(code, title, detail) {
    return { status: 'red', code: code, title: title, detail: detail };
  }

  function cannot(code, title, detail) {
    return { status: 'grey', code: code, title: title, detail: detail };
  }

  function extractToken(text) {
    var t = String(text || '').trim();
    if (COMPACT_JWS.test(t)) return t;
    var m = t.match(JWS_IN_TEXT);
    return m ? m[0] : null;
  }

  function importVerifyKey(jwk, alg) {
    if (alg === 'ES256') {
      return crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    }
    return crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x, ext: true }, { name: 'Ed25519' }, false, ['verify']);
  }

  /**
   * Verifies one token; resolves to { status: green|red|grey, code, title, detail, header?, claims? }.
   * Claims come only with a genuine token: green, or red for a licence abnormal when shown.
   */
  async function verifyToken(text, nowMs) {
    var token = extractToken(text);
    if (!token || token.length > 8192) return refuse('PRESENTATION_MALFORMED', '格式错误', '这不是电子证照亮证二维码。');
    var parts = token.split('.');
    var header;
    try {
      header = b64urlJson(parts[0]);
    } catch (e) {
      return refuse('PRESENTATION_MALFORMED', '格式错误', '二维码内容无法解析。');
    }
    if (!isObject(header) || (header.alg !== 'ES256' && header.alg !== 'EdDSA')) {
      return refuse('PRESENTATION_MALFORMED', '格式错误', '不支持的签名算法，不是本平台的亮证二维码。');
    }
    if (typeof header.kid !== 'string' || !header.kid) return refuse('PRESENTATION_MALFORMED', '格式错误', '二维码未注明签名密钥。');

    var jwk = findKey(header.kid);
    if (!jwk && Date.now() - lastKeyFetch > UNKNOWN_KID_REFETCH_MS && navigator.onLine !== false) {
      await refreshKeys(); // perhaps a newly rotated key
      jwk = findKey(header.kid);
    }
    if (!jwk) {
      if (!keyCache || !keyCache.keys || !keyCache.keys.length) {
        return cannot('KEYS_UNAVAILABLE', '无法核验', '尚未下载平台公钥，请联网后点击“更新密钥”。');
      }
      return refuse('PRESENTATION_KEY_UNKNOWN', '未知签名密钥', '签名密钥 ' + header.kid + ' 不在平台公布的公钥中：二维码非本平台签发或密钥已停用。');
    }
    if (jwk.alg && jwk.alg !== header.alg) return refuse('PRESENTATION_SIGNATURE_INVALID', '签名无效', '签名算法与平台公钥不符，二维码可能被篡改。');

    if (!window.crypto || !crypto.subtle) {
      return cannot('WEBCRYPTO_UNAVAILABLE', '无法核验', '此浏览器不支持 WebCrypto（请通过 HTTPS 打开本页）。');
    }
    var key;
    try {
      key = await importVerifyKey(jwk, header.alg);
    } catch (e) {
      if (header.alg === 'EdDSA') return cannot('EDDSA_UNSUPPORTED', '无法核验', '此浏览器不支持 Ed25519 签名核验，请升级浏览器或联网核验。');
      return cannot('KEY_INVALID', '无法核验', '平台公钥无法使用，请点击“更新密钥”。');
    }
    var signature;
    try {
      signature = b64urlBytes(parts[2]);
    } catch (e) {
      return refuse('PRESENTATION_SIGNATURE_INVALID', '签名无效', '签名无法解析。');
    }
    if (header.alg === 'ES256' && signature.length !== 64) return refuse('PRESENTATION_SIGNATURE_INVALID', '签名无效', '签名长度不符。');
    var signingInput = new TextEncoder().encode(parts[0] + '.' + parts[1]);
    var valid = false;
    try {
      // JWS ES256 signatures are raw r||s (64 bytes), which is what WebCrypto's ECDSA expects.
      valid = await crypto.subtle.verify(header.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' }, key, signature, signingInput);
    } catch (e) {
      valid = false;
    }
    if (!valid) return refuse('PRESENTATION_SIGNATURE_INVALID', '签名无效', '二维码内容被篡改或伪造，请勿采信。');

    // Signed by us from here on; still, only a well-formed presentation is accepted.
    if (typeof header.typ !== 'string' || normaliseTyp(header.typ) !== normaliseTyp(labels.tokenType)) {
      return refuse('PRESENTATION_MALFORMED', '格式错误', '不是亮证二维码（类型不符）。');
    }
    var c;
    try {
      c = b64urlJson(parts[1]);
    } catch (e) {
      return refuse('PRESENTATION_MALFORMED', '格式错误', '二维码内容无法解析。');
    }
    var problem = claimsProblem(c);
    if (problem) return refuse('PRESENTATION_MALFORMED', '格式错误', problem);
    if (c.exp - c.iat > labels.maxSeconds) return refuse('PRESENTATION_MALFORMED', '格式错误', '二维码有效期超过 ' + labels.maxSeconds + ' 秒，不是合规的亮证二维码。');
    if (c.exp <= c.iat) return refuse('PRESENTATION_MALFORMED', '格式错误', '二维码有效期无效。');

    var now = Math.floor(nowMs / 1000);
    var tolerance = labels.clockToleranceSeconds || 5;
    if (c.exp <= now - tolerance) {
      return refuse('PRESENTATION_EXPIRED', '已过期', '二维码已于 ' + formatTime(c.exp) + ' 过期，请持证人刷新二维码后重新出示。');
    }
    if (c.iat > now + tolerance) return refuse('PRESENTATION_MALFORMED', '签发时间异常', '二维码签发时间晚于本机时间，请检查本机时钟。');
    if (c.st === 'abnormal') {
      // Genuine, but the licence was abnormal when shown (e.g. 12 points): red, as 交管12123 shows it.
      return { status: 'red', code: 'LICENCE_ABNORMAL', title: '证照状态异常', detail: '签名有效，但出示时该证照状态异常（如记满12分、逾期未审验），请联网核验或请持证人处理后再用。', header: header, claims: c };
    }
    return { status: 'green', code: 'OK', title: '核验通过', detail: '签名有效，二维码在有效期内。', header: header, claims: c };
  }

  function claimsProblem(c) {
    if (!isObject(c)) return '二维码内容不是亮证信息。';
    if (labels.issuer && c.iss !== labels.issuer) return '签发方不符（' + String(c.iss) + '）。';
    if (typeof c.iss !== 'string') return '缺少签发方。';
    if (typeof c.jti !== 'string' || c.jti.length < 16 || c.jti.length > 64) return '缺少令牌编号。';
    if (!isInt(c.iat) || !isInt(c.exp)) return '缺少签发或过期时间。';
    if (typeof c.sub !== 'string' || !LICENCE_ID.test(c.sub)) return '证照标识无效。';
    if (typeof c.lt !== 'string' || (Object.keys(labels.licenceTypes).length && !labels.licenceTypes[c.lt])) return '未知证照类型。';
    if (typeof c.pur !== 'string' || (Object.keys(labels.purposes).length && !labels.purposes[c.pur])) return '未知用途。';
    if (!isObject(c.fld)) return '缺少亮证信息。';
    if (c.st !== 'valid' && c.st !== 'abnormal') return '缺少证照状态。';
    var known = {};
    labels.fields.forEach(function (f) { known[f[0]] = true; });
    var keys = Object.keys(c.fld);
    for (var i = 0; i < keys.length; i++) {
      if (labels.fields.length && !known[keys[i]]) return '未知信息项 ' + keys[i] + '。';
      if (typeof c.fld[keys[i]] !== 'string') return '信息项格式错误。';
    }
    return null;
  }

  // ---------- display ----------

  function setStatus(status, code, title, detail) {
    el.status.setAttribute('data-status', status);
    el.status.setAttribute('data-code', code || '');
    el.statusTitle.textContent = title;
    el.statusDetail.textContent = detail || '';
  }

  function stopTimers() {
    if (countdownTimer) clearInterval(countdownTimer);
    if (clearTimer) clearTimeout(clearTimer);
    countdownTimer = null;
    clearTimer = null;
  }

  function clearResult() {
    stopTimers();
    el.result.hidden = true;
    el.countdown.hidden = true;
    el.fields.textContent = '';
    el.licenceType.textContent = '';
    el.purpose.textContent = '';
    el.tokenMeta.textContent = '';
    setStatus('idle', '', '等待扫码', '请持证人打开“亮证”二维码，用扫码枪扫描。');
  }

  function show(result, nowMs) {
    stopTimers();
    el.fields.textContent = '';
    setStatus(result.status, result.code, result.title, result.detail);
    if (!result.claims) {
      // refused: nothing of the token is shown
      el.result.hidden = true;
      el.countdown.hidden = true;
      return;
    }
    var c = result.claims;
    el.licenceType.textContent = labels.licenceTypes[c.lt] || c.lt;
    el.purpose.textContent = labels.purposes[c.pur] || c.pur;
    el.verifiedAt.textContent = formatDateTime(nowMs);
    var order = labels.fields.length ? labels.fields : Object.keys(c.fld).map(function (k) { return [k, k]; });
    order.forEach(function (f) {
      if (!Object.prototype.hasOwnProperty.call(c.fld, f[0])) return;
      var tr = document.createElement('tr');
      tr.setAttribute('data-field', f[0]);
      var th = document.createElement('th');
      th.scope = 'row';
      th.textContent = f[1];
      var td = document.createElement('td');
      td.textContent = c.fld[f[0]];
      tr.appendChild(th);
      tr.appendChild(td);
      el.fields.appendChild(tr);
    });
    if (!el.fields.children.length) {
      var empty = document.createElement('tr');
      var cell = document.createElement('td');
      cell.colSpan = 2;
      cell.textContent = '持证人未披露任何信息项。';
      empty.appendChild(cell);
      el.fields.appendChild(empty);
    }
    el.tokenMeta.textContent = '令牌编号 ' + c.jti + ' · 签名密钥 ' + result.header.kid + ' · 签发于 ' + formatTime(c.iat);
    el.result.hidden = false;
    el.countdown.hidden = false;
    var tick = function () {
      var left = c.exp - Math.floor(Date.now() / 1000);
      el.countdown.textContent = left > 0 ? '二维码有效期剩余 ' + left + ' 秒' : '二维码已到期（核验时在有效期内）';
      if (left <= 0 && countdownTimer) {
        clearInterval(countdownTimer);
        countdownTimer = null;
      }
    };
    tick();
    countdownTimer = setInterval(tick, 250);
    clearTimer = setTimeout(clearResult, RESULT_CLEAR_MS);
  }

  async function verifyInput() {
    if (verifying) return;
    var text = el.input.value;
    if (!text.trim()) return;
    verifying = true;
    el.verifyBtn.disabled = true;
    try {
      await ready; // labels and keys of the first load
      var now = Date.now();
      var result = await verifyToken(text, now);
      show(result, now);
    } catch (e) {
      show(cannot('VERIFIER_ERROR', '无法核验', '核验出错：' + (e && e.message ? e.message : String(e))), Date.now());
    } finally {
      verifying = false;
      el.verifyBtn.disabled = false;
      el.input.focus();
      el.input.select(); // the next scan replaces this one
    }
  }

  // ---------- camera (BarcodeDetector) ----------

  function cameraSupported() {
    return 'BarcodeDetector' in window && !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  }

  function cameraNote(text) {
    el.cameraNote.textContent = text;
    el.cameraNote.hidden = !text;
  }

  function stopCamera() {
    if (!camera) return;
    camera.stopped = true;
    camera.stream.getTracks().forEach(function (t) { t.stop(); });
    el.video.srcObject = null;
    el.video.hidden = true;
    el.cameraBtn.textContent = '摄像头扫码';
    camera = null;
  }

  async function startCamera() {
    if (!cameraSupported()) {
      cameraNote('此浏览器不支持摄像头扫码（缺少 BarcodeDetector 接口），请使用扫码枪或粘贴二维码内容。');
      return;
    }
    var detector;
    try {
      var formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.indexOf('qr_code') < 0) throw new Error('no qr_code');
      detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    } catch (e) {
      cameraNote('此浏览器的 BarcodeDetector 不支持二维码，请使用扫码枪或粘贴二维码内容。');
      return;
    }
    var stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch (e) {
      cameraNote(e && e.name === 'NotAllowedError' ? '未获得摄像头权限，请在浏览器设置中允许使用摄像头。' : '无法打开摄像头：' + (e && e.message ? e.message : String(e)));
      return;
    }
    camera = { stream: stream, stopped: false };
    var current = camera;
    el.video.srcObject = stream;
    el.video.hidden = false;
    el.cameraBtn.textContent = '关闭摄像头';
    cameraNote('请将二维码对准摄像头。');
    try {
      await el.video.play();
    } catch (e) {
      /* autoplay refused: frames still arrive on most browsers */
    }
    var scan = async function () {
      if (current.stopped) return;
      try {
        var codes = await detector.detect(el.video);
        if (codes.length && codes[0].rawValue) {
          stopCamera();
          cameraNote('');
          el.input.value = codes[0].rawValue;
          await verifyInput();
          return;
        }
      } catch (e) {
        /* a frame not ready yet */
      }
      setTimeout(scan, 200);
    };
    scan();
  }

  // ---------- wiring ----------

  el.input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') {
      event.preventDefault();
      verifyInput();
    }
  });
  el.input.addEventListener('paste', function () {
    setTimeout(verifyInput, 0);
  });
  el.verifyBtn.addEventListener('click', verifyInput);
  el.clearBtn.addEventListener('click', function () {
    el.input.value = '';
    clearResult();
    el.input.focus();
  });
  el.cameraBtn.addEventListener('click', function () {
    if (camera) stopCamera();
    else startCamera();
  });
  el.refreshKeys.addEventListener('click', function () {
    el.keysStatus.textContent = '正在更新平台公钥…';
    refreshKeys();
  });

  if (!cameraSupported()) {
    el.cameraBtn.disabled = true;
    cameraNote('此浏览器不支持摄像头扫码（缺少 BarcodeDetector 接口），请使用扫码枪或粘贴二维码内容。');
  }

  showKeysStatus();
  var ready = Promise.all([
    loadLabels(),
    !keyCache || !keyCache.keys || Date.now() - (keyCache.fetchedAt || 0) > KEYS_STALE_MS ? refreshKeys() : Promise.resolve(true),
  ]).then(function () {
    document.documentElement.setAttribute('data-ready', 'true');
  });

  // For tests and the console: verify a text without touching the page.
  window.onevisitVerifier = {
    ready: ready,
    verify: function (text, nowMs) { return verifyToken(text, nowMs === undefined ? Date.now() : nowMs); },
    refreshKeys: refreshKeys,
  };
})();
