// Drives the Salesforce emulator with unmodified jsforce 3.7.0 and prints what happened as JSON.
// Input (JSON in argv[2]): instanceUrl, loginUrl, accessToken, refreshToken, clientId,
// clientSecret, redirectUri, orgId. The pytest side asserts on the printed results.
'use strict';
const jsforce = require('jsforce');

async function main() {
  const cfg = JSON.parse(process.argv[2]);
  const conn = new jsforce.Connection({
    oauth2: { loginUrl: cfg.loginUrl, clientId: cfg.clientId, clientSecret: cfg.clientSecret, redirectUri: cfg.redirectUri },
    instanceUrl: cfg.instanceUrl,
    accessToken: cfg.accessToken,
    refreshToken: cfg.refreshToken,
    version: '62.0',
  });
  const refreshed = [];
  conn.on('refresh', (accessToken) => refreshed.push(accessToken));
  const out = {};

  // Query with automatic paging over more than 2,000 records.
  const contacts = await conn.query('SELECT Id, LastName FROM Contact').run({ autoFetch: true, maxFetch: 100000 });
  out.queryTotalSize = contacts.totalSize;
  out.queryFetched = contacts.records.length;
  out.queryDistinct = new Set(contacts.records.map((r) => r.Id)).size;

  // Create, update, delete.
  const created = await conn.sobject('Account').create({ Name: 'jsforce Account' });
  out.created = created;
  out.updated = await conn.sobject('Account').update({ Id: created.id, Name: 'jsforce Account 2' });
  const read = await conn.sobject('Account').retrieve(created.id);
  out.readName = read.Name;
  out.deleted = await conn.sobject('Account').destroy(created.id);

  // Upsert by external id: created, then updated.
  const deal = { Name: 'jsforce Deal', StageName: 'Prospecting', CloseDate: '2025-06-30', MailTrixy_Deal_Id__c: 'JS-1' };
  out.upsertFirst = await conn.sobject('Opportunity').upsert(deal, 'MailTrixy_Deal_Id__c');
  out.upsertSecond = await conn.sobject('Opportunity').upsert({ ...deal, Amount: 500 }, 'MailTrixy_Deal_Id__c');

  // A collections call (jsforce sends arrays to /composite/sobjects).
  out.collection = await conn.sobject('Account').create(
    [{ Name: 'jsforce Col 1' }, { Name: 'jsforce Col 2' }], { allOrNone: true });

  // Token refresh after an expired session: expire every session, then keep working.
  const expire = await fetch(`${cfg.instanceUrl}/_emulator/orgs/${cfg.orgId}/sessions/expire`, { method: 'POST' });
  out.expired = (await expire.json()).expired;
  const afterRefresh = await conn.query("SELECT Id FROM Account WHERE Name LIKE 'jsforce Col%'");
  out.afterRefreshTotalSize = afterRefresh.totalSize;
  out.refreshCount = refreshed.length;
  out.newAccessTokenDiffers = refreshed.length > 0 && refreshed[0] !== cfg.accessToken;

  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ error: String(err && err.stack || err), errorCode: err && err.errorCode }));
  process.exit(1);
});
