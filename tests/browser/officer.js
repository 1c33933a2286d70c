// An officer in a real browser: signs in, registers a crossing with the
// form, sees the watch-list hit and records a decision on it, and looks up
// the traveller's history. Debian's chromium, headless,
// driven by puppeteer-core. usage: node officer.js BASE_URL NAME PASSWORD SCREENSHOT
const puppeteer = require('puppeteer-core');

const [base, name, password, shot] = process.argv.slice(2);

function check(cond, what) {
  if (!cond) {
    console.error('FAILED: ' + what);
    process.exit(1);
  }
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(base + '/officer');
    check(page.url().endsWith('/login'), 'an anonymous visit is sent to the sign-in page: ' + page.url());
    // a wrong password first
    await page.type('#name', name);
    await page.type('#password', 'not-the-password');
    await Promise.all([page.waitForNavigation(), page.click('#login')]);
    check((await page.$eval('#note', (e) => e.textContent)).includes('wrong account or password'), 'a wrong password is refused');
    await page.type('#name', name);
    await page.type('#password', password);
    await Promise.all([page.waitForNavigation(), page.click('#login')]);
    check(page.url().endsWith('/officer'), 'signed in: ' + page.url());
    const cookies = await browser.cookies();
    const session = cookies.find((c) => c.name === 'pasos_session');
    check(session && session.httpOnly && session.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');
    // the form is drawn from the register's definition
    for (const f of ['movement_id', 'direction', 'event_time', 'document_number', 'given_names', 'minor_authorization']) {
      check(await page.$('#f_' + f), 'the form has the field ' + f);
    }
    check(!(await page.$('#f_border_post')), 'the border post comes from the account, not the form');
    const fill = {
      movement_id: 'WEB1', direction: 'ENTRY', event_time: '2024-03-01T10:00:00-04:00', transport: 'road',
      document_type: 'PASSPORT', document_number: 'W12345', document_country: 'ARG', nationality: 'ARG',
      surname_1: 'Quispe', given_names: 'Rosa', sex: 'F', birth_date: '1985-06-07',
      country_of_residence: 'ARG', purpose: 'TOURISM', permitted_stay_days: '30',
    };
    for (const [k, v] of Object.entries(fill)) await page.type('#f_' + k, v);
    await Promise.all([page.waitForNavigation(), page.click('#register')]);
    const result = await page.$eval('#result', (e) => e.textContent);
    check(result.includes('WEB1') && /person \d+/.test(result), 'registered: ' + result);
    // the traveller is on the watch list: the hit is shown, the officer records a decision
    const hits = await page.$$eval('#hits tr td:first-child', (els) => els.map((e) => e.textContent));
    check(hits.length === 1 && hits[0] === 'name', 'the screening shows the hit: ' + hits);
    await page.select('#d_decision', 'cleared');
    await page.type('#d_note', 'documento verificado');
    await Promise.all([page.waitForNavigation(), page.click('#decide')]);
    check((await page.$eval('#decision', (e) => e.textContent)).includes('cleared'), 'the decision is recorded');
    // a broken record: the rules it breaks are listed
    await page.goto(base + '/officer');
    await page.type('#f_movement_id', 'WEB2');
    await page.type('#f_sex', 'Q');
    await Promise.all([page.waitForNavigation(), page.click('#register')]);
    const failures = await page.$$eval('#failures li', (els) => els.map((e) => e.textContent));
    check(failures.some((t) => t.startsWith('sex:')) && failures.some((t) => t.startsWith('direction:')), 'failures listed: ' + failures);
    // the history
    await page.goto(base + '/officer');
    await page.type('#h_type', 'PASSPORT');
    await page.type('#h_country', 'ARG');
    await page.type('#h_number', 'W12345');
    await Promise.all([page.waitForNavigation(), page.click('#lookup')]);
    const rows = await page.$$eval('#crossings tr td:first-child', (els) => els.map((e) => e.textContent));
    check(rows.length === 1 && rows[0] === 'WEB1', 'the history shows the crossing: ' + rows);
    check((await page.$eval('#stay', (e) => e.textContent)).includes('beyond the permitted stay'), 'the stay against the permitted one');
    await page.screenshot({ path: shot, fullPage: true });
    console.log('ok: signed in, registered WEB1, saw its hit and cleared it, listed the broken rules, read the history');
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error('FAILED: ' + e.message);
  process.exit(1);
});
