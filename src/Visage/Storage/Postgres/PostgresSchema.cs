using Npgsql;

namespace Visage.Storage.Postgres;

/// <summary>
/// The store's schema as numbered migrations, applied in order on open, each once, those missing in one
/// transaction under an advisory lock, so that replicas starting together do not race and a failed migration
/// leaves the schema as it was. A database migrated
/// by a newer Visage (a version above the last one known here) is refused rather than guessed at.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Any number, the same for every Visage: the advisory lock that serialises migrations.</summary>
    private const long MigrationLock = 0x5649_5341_4745; // "VISAGE"

    /// <summary>
    /// Held by every transaction that logs a change, from its first change to its commit, so change ids become
    /// visible in id order: a reader that has seen change N has seen every change below N that will ever exist.
    /// </summary>
    public const long ChangesLock = 0x5649_5341_4746;

    public const string ChangesChannel = "visage_changes";

    /// <summary>
    /// The most changes the log keeps (schema version 3): when its newest id runs more than this past the
    /// floor, the oldest are dropped down to <see cref="LogKeptAfterTrim"/>. Bounds what an erasure scrubs (it
    /// drops the log before it: at most this many rows, a few milliseconds) and what a catch-up replays; a
    /// replica further behind (away for more than this many enrolments) reconciles with the store instead, which
    /// has to add the same faces anyway, so replaying more would save little.
    /// </summary>
    public const int LogCapacity = 10_000;

    /// <summary>What a trim leaves: trimming every thousand changes or so, not at each one.</summary>
    public const int LogKeptAfterTrim = 9_000;

    /// <summary>
    /// The key in visage_meta of the log's floor: every change above it that was ever committed is still in the
    /// log (those at or below it may be gone). A replica whose last applied change is below it reconciles.
    /// </summary>
    public const string FloorKey = "changes_floor";

    public static readonly IReadOnlyList<(int Version, string Sql)> Migrations =
    [
        (1, $"""
            CREATE TABLE visage_meta (key text PRIMARY KEY, value text NOT NULL);
            CREATE TABLE identities (
                id bigserial PRIMARY KEY,
                name text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE faces (
                id bigserial PRIMARY KEY,
                identity_id bigint NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
                model_id text NOT NULL,
                embedding bytea NOT NULL,
                source_path text NOT NULL,
                image_sha256 text NOT NULL UNIQUE,
                crop bytea,
                added_at timestamptz NOT NULL);
            CREATE INDEX faces_identity ON faces(identity_id);

            -- Every change to faces and names, in commit order of its id: what a replica that was away replays,
            -- and (its last id) the stamp that says whether a saved search index is current.
            CREATE TABLE changes (
                id bigserial PRIMARY KEY,
                kind text NOT NULL CHECK (kind IN ('add', 'remove', 'rename')),
                face_id bigint,
                identity text NOT NULL,
                new_identity text,
                at timestamptz NOT NULL DEFAULT now());

            CREATE FUNCTION visage_face_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock({ChangesLock});
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO changes (kind, face_id, identity)
                    SELECT 'add', NEW.id, name FROM identities WHERE id = NEW.identity_id;
                ELSE
                    INSERT INTO changes (kind, face_id, identity)
                    SELECT 'remove', OLD.id, name FROM identities WHERE id = OLD.identity_id;
                END IF;
                PERFORM pg_notify('{ChangesChannel}', '');
                RETURN NULL;
            END $$;
            CREATE TRIGGER faces_changed AFTER INSERT OR DELETE ON faces
                FOR EACH ROW EXECUTE FUNCTION visage_face_changed();

            -- A person deleted takes their faces first, while their name can still be logged with each.
            CREATE FUNCTION visage_identity_deleting() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM faces WHERE identity_id = OLD.id;
                RETURN OLD;
            END $$;
            CREATE TRIGGER identity_deleting BEFORE DELETE ON identities
                FOR EACH ROW EXECUTE FUNCTION visage_identity_deleting();

            CREATE FUNCTION visage_identity_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock({ChangesLock});
                INSERT INTO changes (kind, identity, new_identity) VALUES ('rename', OLD.name, NEW.name);
                PERFORM pg_notify('{ChangesChannel}', '');
                RETURN NULL;
            END $$;
            CREATE TRIGGER identity_renamed AFTER UPDATE OF name ON identities
                FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION visage_identity_renamed();
            """),
        (2, $"""
            -- Erasure: a person's or a face's deletion leaves no name and no face id in the log. Faces deleted log
            -- one 'erase' (nothing in it), and every change before it is dropped: a replica that meets an erase
            -- (or finds the changes it had not applied gone, which always leaves an erase after them) reconciles
            -- its index with the faces stored instead of replaying.
            ALTER TABLE changes DROP CONSTRAINT changes_kind_check;
            ALTER TABLE changes ADD CONSTRAINT changes_kind_check CHECK (kind IN ('add', 'remove', 'rename', 'erase'));

            CREATE OR REPLACE FUNCTION visage_face_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock({ChangesLock});
                INSERT INTO changes (kind, face_id, identity)
                SELECT 'add', NEW.id, name FROM identities WHERE id = NEW.identity_id;
                PERFORM pg_notify('{ChangesChannel}', '');
                RETURN NULL;
            END $$;
            DROP TRIGGER faces_changed ON faces;
            CREATE TRIGGER faces_added AFTER INSERT ON faces
                FOR EACH ROW EXECUTE FUNCTION visage_face_changed();

            CREATE FUNCTION visage_faces_erased() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                erase_id bigint;
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM gone) THEN
                    RETURN NULL;
                END IF;
                PERFORM pg_advisory_xact_lock({ChangesLock});
                INSERT INTO changes (kind, identity) VALUES ('erase', '') RETURNING id INTO erase_id;
                DELETE FROM changes WHERE id < erase_id;
                PERFORM pg_notify('{ChangesChannel}', '');
                RETURN NULL;
            END $$;
            CREATE TRIGGER faces_erased AFTER DELETE ON faces REFERENCING OLD TABLE AS gone
                FOR EACH STATEMENT EXECUTE FUNCTION visage_faces_erased();

            -- The log written before this version kept the names and face ids of faces deleted: dropped now.
            DO $$
            DECLARE
                erase_id bigint;
            BEGIN
                IF EXISTS (SELECT 1 FROM changes WHERE kind = 'remove') THEN
                    PERFORM pg_advisory_xact_lock({ChangesLock});
                    INSERT INTO changes (kind, identity) VALUES ('erase', '') RETURNING id INTO erase_id;
                    DELETE FROM changes WHERE id < erase_id;
                END IF;
            END $$;
            """),
        (3, $"""
            -- Erasures a replica applies directly, and a bounded log. An 'erase' lists the faces it removed
            -- (face_ids: rows that no longer exist, so the ids name nobody) and the last change logged before it
            -- (previous); every change before it is still dropped (names and face ids of the person with them),
            -- and the log's floor (visage_meta '{FloorKey}') rises to that change. A replica that applied
            -- everything up to 'previous' removes the faces listed; one that had not reconciles.
            ALTER TABLE changes ADD COLUMN face_ids bigint[], ADD COLUMN previous bigint;
            INSERT INTO visage_meta (key, value) VALUES ('{FloorKey}', '0') ON CONFLICT (key) DO NOTHING;

            CREATE FUNCTION visage_raise_floor(to_id bigint) RETURNS void LANGUAGE sql AS $$
                INSERT INTO visage_meta (key, value) VALUES ('{FloorKey}', to_id::text)
                ON CONFLICT (key) DO UPDATE SET value = greatest(visage_meta.value::bigint, excluded.value::bigint)::text;
            $$;

            CREATE OR REPLACE FUNCTION visage_faces_erased() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                erase_id bigint;
                before_id bigint;
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM gone) THEN
                    RETURN NULL;
                END IF;
                PERFORM pg_advisory_xact_lock({ChangesLock});
                SELECT greatest(coalesce(max(id), 0),
                                (SELECT max(value::bigint) FROM visage_meta WHERE key = '{FloorKey}'))
                INTO before_id FROM changes;
                INSERT INTO changes (kind, identity, face_ids, previous)
                VALUES ('erase', '', (SELECT array_agg(id ORDER BY id) FROM gone), before_id)
                RETURNING id INTO erase_id;
                DELETE FROM changes WHERE id < erase_id;
                PERFORM visage_raise_floor(before_id);
                PERFORM pg_notify('{ChangesChannel}', '');
                RETURN NULL;
            END $$;

            -- Keeps at most {LogCapacity} changes: checked once per statement that adds faces or renames people
            -- (a bulk COPY trims once, at its end); the lock is taken only when there is something to drop.
            CREATE FUNCTION visage_trim_changes() RETURNS void LANGUAGE plpgsql AS $$
            DECLARE
                newest bigint;
                floor_id bigint;
            BEGIN
                SELECT max(id) INTO newest FROM changes;
                SELECT max(value::bigint) INTO floor_id FROM visage_meta WHERE key = '{FloorKey}';
                IF newest IS NULL OR newest - coalesce(floor_id, 0) <= {LogCapacity} THEN
                    RETURN;
                END IF;
                PERFORM pg_advisory_xact_lock({ChangesLock});
                SELECT max(id) - {LogKeptAfterTrim} INTO floor_id FROM changes;
                DELETE FROM changes WHERE id <= floor_id;
                PERFORM visage_raise_floor(floor_id);
            END $$;
            CREATE FUNCTION visage_changes_logged() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM visage_trim_changes();
                RETURN NULL;
            END $$;
            CREATE TRIGGER faces_added_trim AFTER INSERT ON faces
                FOR EACH STATEMENT EXECUTE FUNCTION visage_changes_logged();
            CREATE TRIGGER identities_renamed_trim AFTER UPDATE OF name ON identities
                FOR EACH STATEMENT EXECUTE FUNCTION visage_changes_logged();

            -- A store's log written before this version may hold every change since it was made: trimmed now.
            SELECT visage_trim_changes();
            """),
        (4, $"""
            -- Search graph snapshots: a replica that builds or saves its HNSW graph also keeps a copy here, so a
            -- new replica (empty Visage home) downloads it instead of building for minutes. One row per snapshot
            -- (stamp: the last change the graph holds; what it is bound to; the face ids it holds; the size and
            -- SHA-256 of graph and ids), the graph's bytes in parts of a few tens of MB (a bytea holds at most 1 GB).
            -- Written in one transaction; the older snapshot is deleted when a newer one commits.
            CREATE TABLE index_snapshots (
                id bigserial PRIMARY KEY,
                stamp bigint NOT NULL,
                model_id text NOT NULL,
                fingerprint_id text NOT NULL,
                dimensions int NOT NULL,
                kind text NOT NULL,
                options text NOT NULL,
                faces int NOT NULL,
                face_ids bytea NOT NULL,
                size bigint NOT NULL,
                sha256 text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE index_snapshot_parts (
                snapshot_id bigint NOT NULL REFERENCES index_snapshots(id) ON DELETE CASCADE,
                part int NOT NULL,
                data bytea NOT NULL,
                PRIMARY KEY (snapshot_id, part));

            -- Erasure reaches snapshots too: a graph keeps its own (int8) copy of each face's encoding, so faces
            -- deleted take every snapshot with them (under the change log's lock, so an upload committing at the
            -- same moment is either deleted here or sees the erase and gives up).
            CREATE FUNCTION visage_snapshots_erased() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM gone) THEN
                    RETURN NULL;
                END IF;
                PERFORM pg_advisory_xact_lock({ChangesLock});
                DELETE FROM index_snapshots;
                RETURN NULL;
            END $$;
            CREATE TRIGGER faces_erased_snapshots AFTER DELETE ON faces REFERENCING OLD TABLE AS gone
                FOR EACH STATEMENT EXECUTE FUNCTION visage_snapshots_erased();
            """),
        (5, """
            -- A replica reads every encoding at start (binary COPY). An encoding of 512 float32 is 2,048 bytes, which
            -- put each row over PostgreSQL's default 2 KB toast target, so the encoding went out of line (a TOAST
            -- lookup per face when reading them all) while the crop was moved out anyway. With a 4 KB target a
            -- face's crop still goes out of line (it is the largest value) and the encoding stays in the row;
            -- EXTERNAL: never compressed (float32 does not compress). Rows written from now on are stored so.
            ALTER TABLE faces SET (toast_tuple_target = 4096);
            ALTER TABLE faces ALTER COLUMN embedding SET STORAGE EXTERNAL;
            """),
    ];

    /// <summary>
    /// The last change the store holds (or the floor, when the log above it is empty): the number after the
    /// colon of a store's stamp.
    /// </summary>
    public const string LastChangeSql = $"""
        SELECT greatest(coalesce((SELECT max(id) FROM changes), 0),
                        coalesce((SELECT max(value::bigint) FROM visage_meta WHERE key = '{FloorKey}'), 0))
        """;

    public static int LatestVersion => Migrations[^1].Version;

    /// <summary>
    /// Applies the migrations the database lacks (up to <paramref name="upTo"/>, for tests of older stores;
    /// all by default); returns the versions applied.
    /// </summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlConnection connection, string location,
        CancellationToken ct, int? upTo = null)
    {
        var applied = new List<int>();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({MigrationLock})", connection, transaction))
            await lockCommand.ExecuteNonQueryAsync(ct);
        // Under the lock: replicas creating the table at the same moment raced in the catalogue (a duplicate
        // type, not only a duplicate key), which IF NOT EXISTS does not prevent.
        await using (var create = new NpgsqlCommand("""
            CREATE TABLE IF NOT EXISTS visage_schema_migrations (
                version int PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now())
            """, connection, transaction))
            await create.ExecuteNonQueryAsync(ct);
        int current;
        await using (var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM visage_schema_migrations", connection, transaction))
            current = (int)(await read.ExecuteScalarAsync(ct))!;
        if (current > LatestVersion)
            throw new VisageException(
                $"{location}: store schema version {current} is newer than this Visage knows ({LatestVersion}); upgrade Visage");
        foreach (var (version, sql) in Migrations.Where(m => m.Version > current && m.Version <= (upTo ?? LatestVersion)))
        {
            await using (var migrate = new NpgsqlCommand(sql, connection, transaction))
                await migrate.ExecuteNonQueryAsync(ct);
            await using (var record = new NpgsqlCommand("INSERT INTO visage_schema_migrations (version) VALUES ($1)", connection, transaction))
            {
                record.Parameters.AddWithValue(version);
                await record.ExecuteNonQueryAsync(ct);
            }
            applied.Add(version);
        }
        await transaction.CommitAsync(ct);
        return applied;
    }
}
