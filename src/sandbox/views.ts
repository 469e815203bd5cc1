// Turns the sandbox's rows into the JSON objects SmugMug returns, with the field names,
// order and value types of the recorded real responses (../shared/smugmug/fixtures).
import type { ImageRow, NodeRow } from './state.ts';

export type Level = 'Full' | 'Public';

export interface SiteInfo {
  nickname: string;
  displayName: string;
  /** Where "web" links point: the sandbox serves simple pages there. */
  webBase: string;
  /** Where photo files (thumbnails, archived originals) are linked. */
  photoBase: string;
  now: () => number;
}

export interface UriRef {
  Uri: string;
  Locator?: string | null;
  LocatorType?: string | null;
  UriDescription: string;
  EndpointType: string;
}

export function iso(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}+00:00`;
}

function ref(
  Uri: string,
  Locator: string | null,
  LocatorType: string | null,
  UriDescription: string,
  EndpointType: string,
): UriRef {
  return Locator === null
    ? { Uri, Locator: null, LocatorType: null, UriDescription, EndpointType }
    : { Uri, Locator, LocatorType: LocatorType as string, UriDescription, EndpointType };
}

function html(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#039;');
}

export const userUriDescription = 'User By Nickname';

export function userUris(nick: string, rootId: string, full: boolean): Record<string, UriRef> {
  const u = `/api/v2/user/${nick}`;
  const uris: Record<string, UriRef> = {
    BioImage: ref(`${u}!bioimage`, 'BioImage', 'Object', 'User BioImage', 'BioImage'),
    CoverImage: ref(`${u}!coverimage`, 'CoverImage', 'Object', 'User CoverImage', 'CoverImage'),
    Folder: ref(
      `/api/v2/folder/user/${nick}`,
      'Folder',
      'Object',
      'A folder or legacy (sub)category by UrlPath',
      'Folder',
    ),
    Node: ref(`/api/v2/node/${rootId}`, 'Node', 'Object', 'Node with the given id.', 'Node'),
    UrlPathLookup: ref(
      `${u}!urlpathlookup`,
      'Folder,Album,Page',
      'Object',
      "Lookup user's folder, album, or page by path",
      'UrlPathLookup',
    ),
    UserAlbums: ref(`${u}!albums`, 'Album', 'Objects', "All of user's albums", 'UserAlbums'),
    UserFeaturedAlbums: ref(
      `${u}!featuredalbums`,
      'Album',
      'Objects',
      "User's featured albums",
      'UserFeaturedAlbums',
    ),
    UserGeoMedia: ref(`${u}!geomedia`, 'Image', 'Objects', 'Geotagged images for user', 'UserGeoMedia'),
    UserImageSearch: ref(`${u}!imagesearch`, 'Image', 'Objects', 'Search for user images', 'UserImageSearch'),
    UserPopularMedia: ref(
      `${u}!popularmedia`,
      'Image',
      'Objects',
      "User's popular images",
      'UserPopularMedia',
    ),
    UserProfile: ref(`${u}!profile`, 'UserProfile', 'Object', "User's profile information", 'UserProfile'),
    UserRecentImages: ref(
      `${u}!recentimages`,
      'Image',
      'Objects',
      "User's recent images",
      'UserRecentImages',
    ),
    UserTopKeywords: ref(
      `${u}!topkeywords`,
      'UserTopKeywords',
      'Object',
      "User's top keywords",
      'UserTopKeywords',
    ),
  };
  if (full) {
    uris.Features = ref(
      `${u}!features`,
      'Features',
      'Object',
      "User's account features information",
      'Features',
    );
    uris.UserUploadLimits = ref(
      `${u}!uploadlimits`,
      'UserUploadLimits',
      'List',
      "User's upload limits",
      'UserUploadLimits',
    );
  }
  return uris;
}

export function userView(
  site: SiteInfo,
  rootId: string,
  level: Level,
  imageCount: number,
  plan: string,
): Record<string, unknown> {
  const nick = site.nickname;
  const base = {
    Name: site.displayName,
    NickName: nick,
    QuickShare: false,
    RefTag: 'SafelightSbx1',
    ResponseLevel: level,
    Uri: `/api/v2/user/${nick}`,
    UriDescription: userUriDescription,
    Uris: userUris(nick, rootId, level === 'Full'),
    ViewPassHint: '',
    WebUri: site.webBase,
  };
  if (level === 'Public') return base;
  return {
    AccountStatus: 'Active',
    Domain: '',
    DomainOnly: '',
    FirstName: site.displayName.split(' ')[0] ?? '',
    FriendsView: false,
    ImageCount: imageCount,
    IsTrial: false,
    LastName: site.displayName.split(' ').slice(1).join(' '),
    Name: base.Name,
    NickName: nick,
    Plan: plan,
    QuickShare: false,
    RefTag: base.RefTag,
    ResponseLevel: level,
    SortBy: 'LastUpdated',
    Uri: base.Uri,
    UriDescription: base.UriDescription,
    Uris: base.Uris,
    ViewPassHint: '',
    ViewPassword: '',
    WebUri: site.webBase,
  };
}

export function urlPath(chain: NodeRow[]): string {
  const names = chain
    .slice(0, -1)
    .reverse()
    .map((n) => n.url_name);
  return `/${names.join('/')}`;
}

export function effectivePrivacy(chain: NodeRow[]): string {
  const rank = { Public: 0, Unlisted: 1, Private: 2 } as const;
  let worst: NodeRow['privacy'] = 'Public';
  for (const n of chain) if (rank[n.privacy] > rank[worst]) worst = n.privacy;
  return worst;
}

export const nodeUriDescription = 'Node with the given id.';

function nodeUris(node: NodeRow, nick: string, full: boolean): Record<string, UriRef> {
  const n = `/api/v2/node/${node.node_id}`;
  const uris: Record<string, UriRef> = {};
  if (node.type === 'Album' && node.album_key) {
    uris.Album = ref(`/api/v2/album/${node.album_key}`, 'Album', 'Object', 'Album by key', 'Album');
  }
  if (node.type === 'Folder') {
    uris.ChildNodes = ref(`${n}!children`, 'Node', 'Objects', 'Child nodes of the given node.', 'ChildNodes');
    uris.FolderByID = ref(
      `/api/v2/folder/id/${node.node_id}`,
      'Folder',
      'Object',
      'Get folder by its ID',
      'FolderByID',
    );
  }
  uris.HighlightImage = ref(
    `/api/v2/highlight/node/${node.node_id}`,
    'Image',
    'Object',
    'Highlight image for a folder, album, or page',
    'HighlightImage',
  );
  uris.NodeComments = ref(`${n}!comments`, 'Comment', 'Objects', 'Comments on a Node', 'NodeComments');
  uris.NodeCoverImage = ref(
    `${n}!cover`,
    'Image',
    'Object',
    'Cover image for a folder, album, or page',
    'NodeCoverImage',
  );
  if (node.parent_id) {
    uris.ParentNode = ref(`${n}!parent`, 'Node', 'Object', 'Parent node of the given node.', 'ParentNode');
  }
  uris.ParentNodes = ref(
    `${n}!parents`,
    'Node',
    'Objects',
    'Hierarchy of nodes from the given node (inclusive) to the root node.',
    'ParentNodes',
  );
  uris.User = ref(`/api/v2/user/${nick}`, 'User', 'Object', userUriDescription, 'User');
  if (full) uris.NodeGrants = ref(`${n}!grants`, 'Grant', 'Objects', 'Grants for this node.', 'NodeGrants');
  return uris;
}

export function nodeView(
  site: SiteInfo,
  node: NodeRow,
  chain: NodeRow[],
  hasChildren: boolean,
  level: Level,
  withSortIndex: boolean,
): Record<string, unknown> {
  const isRoot = node.parent_id === null;
  const path = isRoot ? '/' : urlPath(chain);
  const webUri = isRoot ? site.webBase : `${site.webBase}${path}`;
  const formatted = {
    Name: { html: html(node.name) },
    Description: { html: html(node.description), text: node.description },
  };
  const keywords = node.keywords ? node.keywords.split('; ') : [];
  const view: Record<string, unknown> = {
    Description: node.description,
    Name: node.name,
    Keywords: keywords,
    PasswordHint: '',
    SecurityType: 'None',
    ShowCoverImage: !isRoot,
    SortDirection: node.sort_direction,
    SortMethod: node.sort_method,
    Type: node.type,
    UrlName: node.url_name,
    DateAdded: iso(node.date_added),
    DateModified: iso(node.date_modified),
    EffectiveSecurityType: 'None',
    FormattedValues: formatted,
    HasChildren: hasChildren,
    IsRoot: isRoot,
    NodeID: node.node_id,
  };
  if (withSortIndex && !isRoot) view.SortIndex = node.sort_index;
  Object.assign(view, {
    UrlPath: path,
    Uri: `/api/v2/node/${node.node_id}`,
    WebUri: webUri,
    UriDescription: nodeUriDescription,
    Uris: nodeUris(node, site.nickname, level === 'Full'),
    ResponseLevel: level,
  });
  if (level === 'Full') {
    return {
      Description: view.Description,
      HideOwner: false,
      Name: view.Name,
      Keywords: keywords,
      Password: '',
      PasswordHint: '',
      Privacy: node.privacy,
      SecurityType: 'None',
      ShowCoverImage: view.ShowCoverImage,
      SmugSearchable: 'Inherit from User',
      SortDirection: view.SortDirection,
      SortMethod: view.SortMethod,
      Type: view.Type,
      UrlName: view.UrlName,
      WorldSearchable: 'Inherit from User',
      ...view,
      EffectivePrivacy: effectivePrivacy(chain),
    };
  }
  return view;
}

export const albumUriDescription = 'Album by key';

/** `folderPath` is the UrlPath of the album's folder ('' for the root): the legacy Folder links use it. */
export function albumUris(
  node: NodeRow,
  nick: string,
  full: boolean,
  folderPath = '',
): Record<string, UriRef> {
  const key = node.album_key as string;
  const a = `/api/v2/album/${key}`;
  const uris: Record<string, UriRef> = {
    AlbumShareUris: ref(
      `${a}!shareuris`,
      'AlbumShareUris',
      'Object',
      'URIs that are useful for sharing',
      'AlbumShareUris',
    ),
    Node: ref(`/api/v2/node/${node.node_id}`, 'Node', 'Object', nodeUriDescription, 'Node'),
    NodeCoverImage: ref(
      `/api/v2/node/${node.node_id}!cover`,
      'Image',
      'Object',
      'Cover image for a folder, album, or page',
      'NodeCoverImage',
    ),
    User: ref(`/api/v2/user/${nick}`, 'User', 'Object', userUriDescription, 'User'),
    Folder: ref(
      `/api/v2/folder/user/${nick}${folderPath}`,
      'Folder',
      'Object',
      'A folder or legacy (sub)category by UrlPath',
      'Folder',
    ),
    ParentFolders: ref(
      `/api/v2/folder/user/${nick}${folderPath}!parents`,
      'Folder',
      'Objects',
      'The sequence of parent folders, from the given folder to the root',
      'ParentFolders',
    ),
    HighlightImage: ref(
      `/api/v2/highlight/node/${node.node_id}`,
      'Image',
      'Object',
      'Highlight image for a folder, album, or page',
      'HighlightImage',
    ),
    AlbumHighlightImage: ref(
      `${a}!highlightimage`,
      'AlbumImage',
      'Object',
      'Highlight image for album',
      'AlbumHighlightImage',
    ),
    AlbumImages: ref(`${a}!images`, 'AlbumImage', 'Objects', 'Images from album', 'AlbumImages'),
    AlbumPopularMedia: ref(
      `${a}!popularmedia`,
      'AlbumImage',
      'Objects',
      'Popular images from album',
      'AlbumPopularMedia',
    ),
    AlbumGeoMedia: ref(
      `${a}!geomedia`,
      'AlbumImage',
      'Objects',
      'Geotagged images from album',
      'AlbumGeoMedia',
    ),
    AlbumComments: ref(`${a}!comments`, 'Comment', 'Objects', 'Comments on album', 'AlbumComments'),
  };
  if (full) {
    uris.MoveAlbumImages = ref(
      `${a}!moveimages`,
      'AlbumImage',
      'Objects',
      'Move images into album',
      'MoveAlbumImages',
    );
    uris.CollectImages = ref(
      `${a}!collectimages`,
      'AlbumImage',
      'Objects',
      'Collect images into album',
      'CollectImages',
    );
    uris.DeleteAlbumImages = ref(`${a}!deleteimages`, null, null, 'Delete album images', 'DeleteAlbumImages');
  }
  uris.AlbumDownload = ref(`${a}!download`, 'Download', 'Objects', 'Download album', 'AlbumDownload');
  uris.AlbumPrices = ref(`${a}!prices`, 'CatalogSkuPrice', 'Objects', 'Purchasable Skus', 'AlbumPrices');
  uris.AlbumPricelistExclusions = ref(
    `${a}!pricelistexclusions`,
    'AlbumPricelistExclusions',
    'Object',
    'Pricelist information for an Album',
    'AlbumPricelistExclusions',
  );
  return uris;
}

export function albumView(
  site: SiteInfo,
  node: NodeRow,
  chain: NodeRow[],
  imageCount: number,
  sizes: { original: number; total: number },
  level: Level,
): Record<string, unknown> {
  const path = urlPath(chain);
  const common = {
    AlbumKey: node.album_key,
    AllowDownloads: true,
    CanShare: true,
    Description: node.description,
    External: true,
    HasDownloadPassword: false,
    ImageCount: imageCount,
    ImagesLastUpdated: iso(node.images_last_updated),
    Keywords: node.keywords,
    LastUpdated: iso(node.last_updated),
    Name: node.name,
    NiceName: node.url_name,
    NodeID: node.node_id,
    PasswordHint: '',
    Protected: false,
    ResponseLevel: level,
    SecurityType: 'None',
    SortDirection: node.album_sort_direction,
    SortMethod: node.album_sort_method,
    Title: node.name,
    Uri: `/api/v2/album/${node.album_key}`,
    UriDescription: albumUriDescription,
    Uris: albumUris(node, site.nickname, level === 'Full', path.slice(0, path.lastIndexOf('/'))),
    UrlName: node.url_name,
    UrlPath: path,
    WebUri: `${site.webBase}${path}`,
  };
  if (level === 'Public') return common;
  return {
    NiceName: node.url_name,
    UrlName: node.url_name,
    Title: node.name,
    Name: node.name,
    AllowDownloads: true,
    Backprinting: '',
    BoutiquePackaging: 'Inherit from User',
    CanRank: true,
    Clean: false,
    Comments: true,
    Description: node.description,
    EXIF: true,
    External: true,
    FamilyEdit: false,
    Filenames: false,
    FriendEdit: false,
    Geography: true,
    Header: 'Custom',
    HideOwner: false,
    InterceptShipping: 'Inherit from User',
    Keywords: node.keywords,
    LargestSize: 'Original',
    PackagingBranding: true,
    Password: '',
    PasswordHint: '',
    Printable: true,
    Privacy: node.privacy,
    ProofDays: 0,
    ProofDigital: false,
    Protected: false,
    Share: true,
    Slideshow: true,
    SmugSearchable: 'Inherit from User',
    SortDirection: node.album_sort_direction,
    SortMethod: node.album_sort_method,
    SquareThumbs: true,
    Watermark: false,
    WorldSearchable: true,
    SecurityType: 'None',
    CommerceLightbox: false,
    MaxPhotoDownloadSize: 'Original',
    AlbumKey: node.album_key,
    CanBuy: true,
    CanFavorite: false,
    Date: iso(node.date_added),
    LastUpdated: iso(node.last_updated),
    ImagesLastUpdated: iso(node.images_last_updated),
    NodeID: node.node_id,
    OriginalSizes: sizes.original,
    TotalSizes: sizes.total,
    ImageCount: imageCount,
    UrlPath: path,
    CanShare: true,
    HasDownloadPassword: false,
    Packages: false,
    Uri: common.Uri,
    WebUri: common.WebUri,
    UriDescription: albumUriDescription,
    Uris: common.Uris,
    ResponseLevel: level,
  };
}

export function imageUri(img: ImageRow): string {
  return `/api/v2/image/${img.image_key}-${img.serial}`;
}

export function albumImageUri(img: ImageRow): string {
  return `/api/v2/album/${img.album_key}/image/${img.image_key}-${img.serial}`;
}

function photoUrl(site: SiteInfo, img: ImageRow, size: string, ext: string): string {
  return `${site.photoBase}/photos/i-${img.image_key}/${img.serial}/${size}/i-${img.image_key}-${size}.${ext}`;
}

export function isProcessing(img: ImageRow, now: number): boolean {
  return img.processing_until > now;
}

function imageCommon(site: SiteInfo, img: ImageRow, albumPath: string) {
  const now = site.now();
  const ext = img.format === 'MP4' ? 'mp4' : img.format.toLowerCase();
  const componentTypes: Record<string, string[]> | never[] = img.is_video
    ? { Video: [ext] }
    : { Image: [img.format.toLowerCase()] };
  return {
    Title: img.title,
    Caption: img.caption,
    Keywords: img.keywords,
    KeywordArray: img.keywords ? img.keywords.split('; ') : [],
    Watermark: 'No',
    Latitude: img.latitude,
    Longitude: img.longitude,
    Altitude: img.altitude,
    Hidden: img.hidden === 1,
    ThumbnailUrl: photoUrl(site, img, 'Th', 'jpg'),
    FileName: img.file_name,
    Processing: isProcessing(img, now),
    UploadKey: img.upload_key,
    Date: iso(img.date_uploaded),
    DateTimeUploaded: iso(img.date_uploaded),
    Format: img.format,
    OriginalHeight: 0,
    OriginalWidth: 0,
    OriginalSize: img.original_size,
    LastUpdated: iso(img.last_updated),
    Collectable: true,
    IsArchive: false,
    IsVideo: img.is_video === 1,
    ComponentFileTypes: componentTypes,
    CanEdit: true,
    CanBuy: true,
    Protected: false,
    Watermarked: false,
    ImageKey: img.image_key,
    Serial: img.serial,
    ArchivedUri: photoUrl(site, img, 'D', ext),
    ArchivedSize: img.archived_size,
    ArchivedMD5: img.archived_md5,
    CanShare: true,
    Comments: true,
    ShowKeywords: true,
    FormattedValues: {
      Caption: { html: html(img.caption), text: img.caption },
      FileName: { html: html(img.file_name), text: img.file_name },
    },
    WebUri: `${site.webBase}${albumPath}/i-${img.image_key}`,
  };
}

/** Size links use the key-serial; an album image's listing uses the bare key for the others. */
function sizeLinks(sized: string, plain: string): Record<string, UriRef> {
  return {
    LargestImage: ref(
      `${sized}!largestimage`,
      'LargestImage',
      'Object',
      'Largest size available for image',
      'LargestImage',
    ),
    ImageSizes: ref(`${sized}!sizes`, 'ImageSizes', 'Object', 'Sizes available for image', 'ImageSizes'),
    ImageSizeDetails: ref(
      `${sized}!sizedetails`,
      'ImageSizeDetails',
      'Object',
      'Detailed size information for image',
      'ImageSizeDetails',
    ),
    PointOfInterest: ref(
      `${plain}!pointofinterest`,
      'PointOfInterest',
      'Object',
      'Point of interest for image',
      'PointOfInterest',
    ),
    PointOfInterestCrops: ref(
      `${plain}!poicrops`,
      'PointOfInterestCrops',
      'List',
      'PointOfInterest Crops for image',
      'PointOfInterestCrops',
    ),
    Regions: ref(`${plain}!regions`, 'Region', 'Objects', 'Regions for image', 'Regions'),
  };
}

function detailLinks(base: string): Record<string, UriRef> {
  return {
    ImageComments: ref(`${base}!comments`, 'Comment', 'Objects', 'Comments on image', 'ImageComments'),
    ImageMetadata: ref(`${base}!metadata`, 'ImageMetadata', 'Object', 'Metadata for image', 'ImageMetadata'),
    ImagePrices: ref(`${base}!prices`, 'CatalogSkuPrice', 'Objects', 'Purchasable Skus', 'ImagePrices'),
    ImagePricelistExclusions: ref(
      `${base}!pricelistexclusions`,
      'ImagePricelistExclusions',
      'Object',
      'Pricelist information for an image',
      'ImagePricelistExclusions',
    ),
  };
}

function imageUris(img: ImageRow, nick: string): Record<string, UriRef> {
  const i = imageUri(img);
  return {
    ...sizeLinks(i, i),
    ImageAlbum: ref(`/api/v2/album/${img.album_key}`, 'Album', 'Object', albumUriDescription, 'Album'),
    ImageOwner: ref(`/api/v2/user/${nick}`, 'User', 'Object', userUriDescription, 'User'),
    ImageAlbums: ref(`${i}!albums`, 'Album', 'Objects', 'Albums the image is included in', 'ImageAlbums'),
    ImageDownload: ref(`${i}!download`, 'ImageDownload', 'Object', 'Download image', 'ImageDownload'),
    ...detailLinks(i),
  };
}

function albumImageUris(img: ImageRow): Record<string, UriRef> {
  const i = imageUri(img);
  const plain = `/api/v2/image/${img.image_key}`;
  const ai = albumImageUri(img);
  return {
    ...sizeLinks(i, plain),
    ...detailLinks(plain),
    Album: ref(`/api/v2/album/${img.album_key}`, 'Album', 'Object', albumUriDescription, 'Album'),
    Image: ref(i, 'Image', 'Object', 'Image by key', 'Image'),
    AlbumImagePricelistExclusions: ref(
      `${ai}!pricelistexclusions`,
      'AlbumImagePricelistExclusions',
      'Object',
      'Pricelist information for an album image',
      'AlbumImagePricelistExclusions',
    ),
    AlbumImageMetadata: ref(
      `${ai}!metadata`,
      'AlbumImageMetadata',
      'Object',
      'Metadata for AlbumImage',
      'AlbumImageMetadata',
    ),
    AlbumImageShareUris: ref(
      `${ai}!shareuris`,
      'AlbumImageShareUris',
      'Object',
      'URIs that are useful for sharing',
      'AlbumImageShareUris',
    ),
  };
}

export function albumImageView(site: SiteInfo, img: ImageRow, albumPath: string): Record<string, unknown> {
  const c = imageCommon(site, img, albumPath);
  const { WebUri, ...rest } = c;
  return {
    ...rest,
    Uri: albumImageUri(img),
    UriDescription: 'Image from album',
    Uris: albumImageUris(img),
    Movable: true,
    Origin: 'Album',
    WebUri,
  };
}

export function imageView(site: SiteInfo, img: ImageRow, albumPath: string): Record<string, unknown> {
  const c = imageCommon(site, img, albumPath);
  const processing = isProcessing(img, site.now());
  const { WebUri, CanShare, Comments, ShowKeywords, FormattedValues, ...head } = c;
  return {
    ...head,
    EZProject: false,
    Status: processing ? 'Preprocess' : 'Open',
    SubStatus: processing ? '' : 'NFS',
    CanShare,
    Comments,
    ShowKeywords,
    FormattedValues,
    PreferredDisplayFileExtension: img.format,
    Uri: imageUri(img),
    WebUri,
    UriDescription: 'Image by key',
    Uris: imageUris(img, site.nickname),
  };
}

export function imageMetadataView(img: ImageRow): Record<string, unknown> {
  const empty = '';
  return {
    Title: img.title,
    Caption: img.caption,
    UserComment: empty,
    Keywords: img.keywords,
    Author: empty,
    Copyright: empty,
    Make: empty,
    Model: empty,
    DateTimeModified: iso(img.last_updated).slice(0, 19),
    DateTimeCreated: img.date_time_created,
    // A photo's Duration is "" in the recorded metadata (image_heic_converted_with_metadata_expansion_response.json).
    Duration: img.is_video ? 0 : empty,
    Uri: `/api/v2/image/${img.image_key}-${img.serial}!metadata`,
    UriDescription: 'Metadata for image',
  };
}
