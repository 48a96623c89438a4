using Visage;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: WhoIsIt PHOTO FOLDER_OF_KNOWN_PEOPLE");
    return 2;
}

try
{
    using var visage = await FaceRecognizer.LoadAsync();
    using var people = await People.OpenAsync(visage, args[1]);
    using var photo = await visage.ReadImageAsync(args[0]);

    foreach (var who in people.Identify(photo))
        Console.WriteLine($"{who.Face.Box}: {who.Identity ?? "unknown"} ({who.Distance:0.000})");
    return 0;
}
catch (VisageException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
