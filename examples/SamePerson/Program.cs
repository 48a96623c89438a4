using Visage;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: SamePerson PHOTO_A PHOTO_B");
    return 2;
}

try
{
    using var visage = await FaceRecognizer.LoadAsync();
    var check = await visage.VerifyAsync(args[0], args[1]);
    Console.WriteLine($"{(check.SamePerson ? "same person" : "different people")}: distance {check.Distance:0.000}, " +
                      $"threshold {check.Threshold.Value:0.000}");
    return check.SamePerson ? 0 : 3;
}
catch (VisageException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
