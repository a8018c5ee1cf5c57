// Package dynamo is the AWS backend of Wissensnetz for entries, revisions, municipalities,
// topics, accounts (users, sessions, tokens) and the audit log: one DynamoDB table in
// single-table design. Items too large for DynamoDB go to the blob store (S3) with a
// pointer left in the table.
//
// # Keys
//
// The table has the string keys pk (partition) and sk (sort). Items:
//
//	item                pk                 sk                  notes
//	entry               ENTRY#<id>         META                the entry's fields as attributes
//	revision            ENTRY#<id>         REV#<version>       version zero-padded to 10 digits
//	slug guard          SLUG#<slug>        GUARD               entry_id: the owner of the slug
//	municipality        MUNIS              MUNI#<ags>          one partition: strongly consistent list
//	topic               TOPICS             TOPIC#<slug>        one partition: strongly consistent list
//	search word lists   SETTINGS           WORDLISTS           the coordinators' synonyms and protected words
//
// An entry's partition holds its item and its revisions, so Revisions is one Query that
// walks sk from "REV$" down to "META": newest revision first, the entry item last (it
// says whether the entry exists). Later item types in an entry's partition must use sort
// keys outside that range (e.g. ADOPT#<ags> for adoptions, FILE#<name> for attachments).
//
// Municipalities (about 30) and topics (a dozen) live in one fixed partition each rather
// than in a global index: a Query on the table is strongly consistent, so a list read
// right after a put includes it, and no index is needed for a list that small.
//
// The search word lists are one item, put on the condition that its version is the one the
// coordinator read (attribute_not_exists for the first save); web instances read it with
// one strongly consistent GetItem at most once a minute to notice changes.
//
// # Global secondary indexes
//
// The index keys are overloaded, so later item types can reuse them:
//
//	index  pk (value for entries)        sk (value for entries)       projection
//	gsi1   gsi1pk = STATE#<state>        gsi1sk = <updated>#<id>      list attributes
//	gsi2   gsi2pk = MUNI#<ags>           gsi2sk = <updated>#<id>      list attributes
//	gsi3   gsi3pk = ENTRY                gsi3sk = <id>                keys only
//
// <updated> is the update time in UTC with milliseconds ("2024-03-14T09:30:15.250Z"), so
// that it sorts as text. gsi1 serves the review queue and "Letzte Änderungen", gsi2 a
// municipality's page; both project the attributes a list shows (title, summary, kind,
// topics, visibility, state, …), not the body. gsi3 lists every entry in id order for
// ScanEntries: ULIDs sort by time, and the entries themselves are then read from the table
// with strongly consistent BatchGetItem calls, so a scan never hands out a stale version
// (only an entry created a moment ago may be missing from it, as the index lags behind).
// A Scan of the table would read every revision too and would have to be sorted in memory.
//
// # Accounts and audit log
//
// Lookups that decide about access (a user's sessions at "logout everywhere", a user's
// tokens) use items of the table, not an index, so that they are strongly consistent:
//
//	item                 pk                   sk                       notes
//	user                 USERS                USER#<id>                one partition: Users lists by id
//	e-mail guard         EMAIL#<email>        GUARD                    user_id; unique like the slug guard
//	session              SESSION#<hash>       META                     user_id, ttl
//	session of a user    USER#<id>            SESSION#<hash>           link, written before the session
//	token                TOKEN#<hash>         META                     user_id, kind, ttl
//	token of a user      USER#<id>            TOKEN#<kind>#<hash>      link, written before the token
//	sign-in attempts     LOGIN#<key>          META                     count, window_end, ttl
//	audit month          AUDIT                MONTH#<yyyy-mm>          marker: the month has events
//	audit event          AUDIT#<yyyy-mm>      <ulid>                   month of the ULID's time, UTC
//
// <email> is the address trimmed and in lower case, so that it is unique in any case. A user
// item keeps _guard, the token of the write that claimed its e-mail guard. CreateUser
// claims the guard (attribute_not_exists), then puts the user (attribute_not_exists) and
// deletes the guard again if that fails. UpdateUser reads the user; if the address
// changes, it claims the new guard, puts the user on the condition that its _guard is still
// the one read (so a concurrent change of the address makes it start over; other fields
// are last-writer-wins), then deletes the old guard if it still carries that _guard. A
// guard of the same user is taken over and put back should the write fail; a guard whose
// user does not exist or has another address is abandoned once older than GuardTimeout and
// removed by the next claim. UserByEmail reads the guard and then the user, and answers only
// if the user still has the address.
//
// ttl is the expiry in Unix seconds, rounded up, for DynamoDB's TTL, which the deployed
// table enables on that attribute (CreateTable does not: stand-ins lack TTL). TTL deletes
// expired items within a day or two, so reads check the expiry themselves (to the
// nanosecond). Links carry the ttl of their item, so that they go with it. Links are
// written before their item, so that every session and token has one; a link left behind
// points to nothing or to an item of another user, which the readers check:
// DeleteUserSessions deletes each session on the condition that it belongs to the user and
// keeps a link whose session does not exist (yet), and UserTokens reads the tokens behind
// its links with a strongly consistent BatchGetItem and skips those of another user or
// kind or expired. PutToken puts the token on the condition that the hash is free or its
// ttl has passed. ConsumeToken is a DeleteItem on the condition that the token exists,
// with ReturnValues ALL_OLD: of concurrent calls only one gets the item; an expired one is
// deleted and answered ENOTFOUND.
//
// The audit log has one partition per month, so that no partition grows without bound. An
// event's month is that of its id's time, which makes id order month order: AuditLog reads
// the month markers (one Query; a dozen a year) and then the months from the newest on,
// skipping those whose smallest possible id is not below before, one Query each until it
// has enough. AppendAudit puts the month's marker before the event (markers are never
// deleted; a Store remembers those it has put), so a month with events always has one and
// AuditLog needs no bound on how far back to look. Event ids must be canonical ULIDs.
//
// # Writes without transactions
//
// Writes use single-item conditional puts (no TransactWriteItems), in an order that never
// shows a half-written entry or account, and take back what they wrote when a later step
// fails (undo.go): every item a write stores carries the write's random token (_writer),
// and the undo deletes or puts back only items that still carry it. Guard items (SLUG#…,
// EMAIL#…) make slugs and addresses unique; they would stay with transactions too, as
// DynamoDB has no unique constraint but the key. What transactions would replace is the
// order of the steps, the tokens, the undo and the guard timeout.
//
// Why: the DynamoDB stand-in that the tests run against (dynalite) has no transactions
// (TransactWriteItems answers UnknownOperationException), and every write path must be
// tested against a real API server. Should the stand-in change (or the tests move to one
// with transactions), the cost below is what a switch would buy and pay.
//
// Cost on real DynamoDB. A standard write costs one write unit (WRU on demand, WCU
// provisioned) per KB of the item, rounded up; a transactional write costs two per KB and
// item (DynamoDB prepares and commits each), and the whole transaction is one request. A
// write whose condition fails is charged as well. The change log's counter is an
// UpdateItem before the write either way: the change's number must be known before the
// change item is written. With E and R the sizes of the entry and revision items in KB rounded up (a
// new entry of 100 KB: about 100 each; other items are under 1 KB), and n versions:
//
//	operation                  now: requests / write units    one transaction: requests / write units
//	CreateEntry                5 / 3+R+E                      2 / 1+2·(2+R+E)
//	RestoreEntry               4+n / 3+n·R+E                  2 / 1+2·(2+n·R+E), for n ≤ 97 only
//	UpdateEntry                4 / 2+R+E                      2 / 1+2·(1+R+E)
//	DeleteEntry                4+n, 1 Query / 3+n·R+E         2, 1 Query / 1+2·(2+n·R+E), n ≤ 97
//	CreateUser                 2 / 2                          1 / 4
//	UpdateUser, new address    3, 1 GetItem / 3               1, 1 GetItem / 6
//	PutToken                   2 / 2                          1 / 4
//
// Writes of the entry item also update gsi1 to gsi3, in both cases. So the ordered puts
// cost about half the write units and two to three more round trips (a few milliseconds
// each within a region); a write that fails half-way pays one conditional delete per item
// it takes back. A transaction holds at most 100 items and 4 MB, so RestoreEntry and
// DeleteEntry of an entry with more than 97 versions would need the ordered puts anyway.
// Transactions fail with TransactionConflict when another transaction touches one of
// their items at the same moment; the ordered puts let the one conditional write of the
// entry item decide between concurrent editors, and the loser gets ECONFLICT. An idempotent
// retry is built in to both: ClientRequestToken for transactions, the _writer token here.
//
// Failure windows: a crash (or an undo that fails too; the error then says "taking back
// the write failed") between the steps leaves what the rules below describe. In short: a
// slug or e-mail guard without its entry or user, which blocks that slug or address for
// GuardTimeout (20 minutes); a revision item newer than its entry, which is never listed
// and is replaced by the next save; after UpdateEntry, the new version of an entry without
// its revision item; a link of a session or token without the item, which readers skip
// and the TTL removes. A transaction has none of these windows.
//
//   - CreateEntry and RestoreEntry put the slug guard first (attribute_not_exists), then
//     every revision (attribute_not_exists), then the entry item last
//     (attribute_not_exists). The entry item makes the entry visible: until it is written,
//     Entry, EntryBySlug and Revisions answer ENOTFOUND. If a step fails, the items
//     written so far are deleted again in reverse order, each only if it still carries the
//     write's random token (_writer), so nothing of another writer is ever removed.
//   - UpdateEntry puts the entry item first, on the condition that the stored version is
//     the one the editor started from and the slug is unchanged: this single conditional
//     write decides between concurrent editors. Then it puts the revision. If that fails,
//     the previous entry item (returned by the first put) is put back.
//   - A crash between the steps can leave a slug guard without an entry. Such a guard
//     blocks its slug until it is older than GuardTimeout (longer than any Lambda
//     invocation); then the next CreateEntry with that slug removes it. A revision item
//     newer than its entry, left behind the same way, is not listed by Revisions and is
//     replaced by the next save of that version. A crash inside UpdateEntry, between its
//     two puts, leaves the new version of the entry without its revision item: the entry
//     is intact and can be edited on; its history lacks that one revision. Writing the
//     revision first instead would make a crash block every later save of the entry.
//   - DeleteEntry, which takes back an import, deletes the entry item first, on the
//     condition that its version is the one the caller wrote; that hides the entry and
//     decides against a concurrent editor. Then it deletes the revisions, the slug guard
//     (if it still names the entry) and the blobs of large items. Should it stop between
//     the steps, what is left is much what an interrupted CreateEntry leaves: revisions
//     that Revisions does not list (but that make a RestoreEntry of the same id fail) and
//     a guard that is abandoned after GuardTimeout.
//   - A conditional put that fails because the item carries this write's own token was a
//     retry of a put that had succeeded; it counts as success.
//
// # Large items
//
// DynamoDB items are limited to 400 KB. An entry of 100 KB body fits, and so does its
// revision. An item that would exceed about 350 KB is kept as JSON in the blob store under
// items/<id>/<version>.<entry|revision>.<token>.json; the table item keeps its keys, the
// attributes its indexes project and _blob, the blob's key. The token makes the key unique
// per write, so that two editors racing for the same version never overwrite each other's
// blob. A blob that an entry item no longer points to is deleted after the update.
//
// # Change log
//
// Search indexes on other processes (every web instance, the indexer) follow the writes
// through a change log in the table:
//
//	item                 pk        sk                 notes
//	change               CHANGES   SEQ#<seq>          kind, key, version, at (Unix ms), ttl
//	counter              CHANGES   SEQ~COUNTER        seq: the last number handed out
//	snapshot pointer     CHANGES   SNAPSHOT           the published index snapshot (manifest key, seq)
//
// <seq> is zero-padded to 20 digits. Every write of an entry, municipality, topic or the word
// lists first takes a number from the counter (UpdateItem ADD, which is atomic) and puts
// the change under it, and only then writes: whoever sees the write in the table finds its
// change in the log. Numbers are handed out in one order but their changes may land in
// another, and a writer that dies between the two steps leaves a gap; readers therefore
// keep reading from the first number they have not seen and skip a gap only once a later
// change is old enough (see shared/app). A change whose write then fails is harmless:
// readers index what the table holds. The counter and the pointer sort after every change,
// so one strongly consistent Query for the changes after a number also returns them —
// the one read per request with which a web instance stays current. Changes expire after
// store.ChangeRetention through DynamoDB's TTL.
//
// On AWS, DynamoDB Streams on the table wake the indexer; EntryChanges picks the ids of
// the written entries out of a batch of stream records.
package dynamo
