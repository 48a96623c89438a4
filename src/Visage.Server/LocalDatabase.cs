using Microsoft.Data.Sqlite;

namespace Visage.Server;

/// <summary>A SQLite file of the data folder (owner-only), opened per use with foreign keys enforced.</summary>
internal sealed class LocalDatabase
{
    private readonly string _connectionString;

    private LocalDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = 10, ForeignKeys = true,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Opens <paramref name="fileName"/> in <paramref name="dataFolder"/> (created owner-only) and runs <paramref name="schema"/>.</summary>
    public static LocalDatabase Open(string dataFolder, string fileName, string schema)
    {
        var folder = DataFolder.Ensure(dataFolder);
        var path = System.IO.Path.Combine(folder, fileName);
        DataFolder.CreatePrivateFile(path);
        var database = new LocalDatabase(path);
        using var connection = database.Connect();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL";
            wal.ExecuteNonQuery();
        }
        using var command = connection.CreateCommand();
        command.CommandText = schema;
        command.ExecuteNonQuery();
        return database;
    }

    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Runs one statement with parameters given as ("$name", value) pairs; returns the rows changed.</summary>
    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Connect();
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
