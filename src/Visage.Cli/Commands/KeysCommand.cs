using System.CommandLine;
using Spectre.Console;
using Visage.Json;
using Visage.Server;
using Visage.Server.Endpoints;
using Visage.Server.Security;

namespace Visage.Cli.Commands;

/// <summary><c>visage keys create|list|revoke</c>: the API keys of the service's data folder.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "What the key is for (who or which program holds it)" };
        var role = new Option<string>("--role")
        {
            Description = "admin (people, faces, keys, settings) or recognize (recognize, verify, detect, embed)",
            DefaultValueFactory = _ => "recognize",
        };
        var create = new Command("create", "Make a key; it is printed once and only its hash is stored")
        {
            name, role, ServeCommand.Data, CommonOptions.Json,
        };
        create.SetAction(CliRun.Action((run, _) =>
        {
            var keys = Open(run);
            ApiKeyRole chosen;
            NewApiKey made;
            try
            {
                chosen = ApiKeyStore.ParseRole(run.Result.GetValue(role));
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--role {e.Message}");
            }
            try
            {
                made = keys.Create(run.Result.GetValue(name)!, chosen);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            if (run.Json) run.WriteJson(NewApiKeyJson.From(made));
            else
            {
                run.Out.MarkupLineInterpolated($"created {ApiKeyStore.RoleName(made.Key.Role)} key {made.Key.Id} ({CliRun.Safe(made.Key.Name)}); it is shown this once:");
                Console.Out.WriteLine(made.Secret);
            }
            return Task.FromResult(ExitCodes.Success);
        }));

        var list = new Command("list", "List the keys: id, name, role, when made and revoked (never the keys)")
        {
            ServeCommand.Data, CommonOptions.Json,
        };
        list.SetAction(CliRun.Action((run, _) =>
        {
            var keys = Open(run).List();
            if (run.Json)
            {
                run.WriteJson(new KeysJson(keys.Select(ApiKeyJson.From).ToList()));
                return Task.FromResult(ExitCodes.Success);
            }
            if (keys.Count == 0)
            {
                run.Out.WriteLine("no keys yet ('visage serve' makes an admin key on its first start)");
                return Task.FromResult(ExitCodes.Success);
            }
            var table = new Table().AddColumns("id", "name", "role", "created", "revoked");
            foreach (var k in keys)
                table.AddRow(k.Id, Markup.Escape(CliRun.Safe(k.Name)), ApiKeyStore.RoleName(k.Role), $"{k.CreatedAt:yyyy-MM-dd HH:mm}",
                    k.RevokedAt is { } at ? $"{at:yyyy-MM-dd HH:mm}" : "-");
            run.Out.Write(table);
            return Task.FromResult(ExitCodes.Success);
        }));

        var id = new Argument<string>("ID") { Description = "The key's id (see 'visage keys list')" };
        var revoke = new Command("revoke", "Revoke a key: the service refuses it from the next request on")
        {
            id, ServeCommand.Data, CommonOptions.Json,
        };
        revoke.SetAction(CliRun.Action((run, _) =>
        {
            var keys = Open(run);
            ApiKey revoked;
            try
            {
                revoked = keys.Revoke(run.Result.GetValue(id)!);
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
            {
                throw new VisageException($"{keys.Path}: {e.Message}");
            }
            if (run.Json) run.WriteJson(ApiKeyJson.From(revoked));
            else run.Out.MarkupLineInterpolated($"revoked key {revoked.Id} ({CliRun.Safe(revoked.Name)})");
            return Task.FromResult(ExitCodes.Success);
        }));

        return new Command("keys", "The service's API keys: create, list, revoke") { create, list, revoke };
    }

    private static ApiKeyStore Open(CliRun run) =>
        ApiKeyStore.Open(run.Result.GetValue(ServeCommand.Data) ?? ServerOptions.DefaultDataFolder(run.Home));
}
