using Visage.Storage;

namespace Visage.Search;

/// <summary>
/// A gallery whose every write, once committed, is applied to its search index (see
/// <see cref="GalleryIndex.AfterWriteAsync"/>): what the facade and the enroller write through, so identify
/// answers with a face as soon as its batch is committed, without reading the gallery again.
/// </summary>
internal sealed class IndexedGallery(IGallery inner, GalleryIndex index) : IGallery
{
    public IGallery Inner => inner;
    public GalleryIndex Index => index;
    public string Location => inner.Location;
    public GalleryBinding Binding => inner.Binding;

    public Task<IReadOnlyList<GalleryFace>> GetFacesAsync(CancellationToken ct = default) => inner.GetFacesAsync(ct);
    public Task<string> GetStampAsync(CancellationToken ct = default) => inner.GetStampAsync(ct);

    public Task<(IReadOnlyList<StoredEncoding> Faces, string Stamp)> ReadIndexFacesAsync(CancellationToken ct = default) =>
        inner.ReadIndexFacesAsync(ct);

    public Task<string?> FindImageAsync(string imageSha256, CancellationToken ct = default) => inner.FindImageAsync(imageSha256, ct);
    public Task<IReadOnlyList<Person>> ListPeopleAsync(CancellationToken ct = default) => inner.ListPeopleAsync(ct);
    public Task<byte[]?> GetFaceCropAsync(long faceId, CancellationToken ct = default) => inner.GetFaceCropAsync(faceId, ct);
    public Task<GalleryThreshold?> GetThresholdAsync(CancellationToken ct = default) => inner.GetThresholdAsync(ct);

    public Task<AddResult> AddAsync(IReadOnlyList<NewFace> faces, CancellationToken ct = default) =>
        index.WriteThroughAsync(() => inner.AddAsync(faces, ct), result => i =>
        {
            if (result.Added.Count > 0)
                i.Add(result.Added.Select(a => new IndexedFace(a.Id, a.Face.Identity, a.Face.Embedding)).ToList());
        }, _ => false);

    public Task<bool> CreatePersonAsync(string name, CancellationToken ct = default) =>
        index.WriteThroughAsync(() => inner.CreatePersonAsync(name, ct), _ => _ => { }, _ => false);

    public Task<Person> RenamePersonAsync(string name, string newName, CancellationToken ct = default) =>
        index.WriteThroughAsync(() => inner.RenamePersonAsync(name, newName, ct),
            _ => i => i.RenameIdentity(name, newName), _ => false);

    public Task<int> DeletePersonAsync(string name, CancellationToken ct = default) =>
        index.WriteThroughAsync(() => inner.DeletePersonAsync(name, ct), _ => i => i.RemoveIdentity(name), _ => true);

    public Task<Person> MergePeopleAsync(string from, string into, CancellationToken ct = default) =>
        index.WriteThroughAsync(() => inner.MergePeopleAsync(from, into, ct),
            _ => i => i.RenameIdentity(from, into), _ => false);

    public Task<bool> DeleteFaceAsync(long faceId, CancellationToken ct = default) =>
        index.WriteThroughAsync(() => inner.DeleteFaceAsync(faceId, ct), _ => i => i.Remove([faceId]), deleted => deleted);

    public Task SetThresholdAsync(GalleryThreshold? threshold, CancellationToken ct = default) =>
        index.WriteThroughAsync(async () =>
        {
            await inner.SetThresholdAsync(threshold, ct);
            return true;
        }, _ => _ => { }, _ => false);

    public void Dispose() => inner.Dispose();
}
